package dev.wfgateway.dlq;

import io.vertx.core.json.JsonObject;

/**
 * One tenant's DLQ figures. {@code oldestInsertedAtMillis} is null when the tenant has no entries;
 * the counters count since the store's history began (they survive restarts on both backends).
 */
record TenantStats(long size, Long oldestInsertedAtMillis, long evictions, long expired, long redriven) {

  long oldestEntryAgeSeconds(long nowMillis) {
    return oldestInsertedAtMillis == null ? 0 : Math.max(0, (nowMillis - oldestInsertedAtMillis) / 1000);
  }

  JsonObject toJson(long nowMillis) {
    return new JsonObject().put("size", size).put("oldestEntryAgeSeconds", oldestEntryAgeSeconds(nowMillis))
        .put("evictions", evictions).put("expired", expired).put("redriven", redriven);
  }
}
