package dev.wfgateway.common.config;

import io.vertx.core.json.JsonObject;

public record BulkheadConfig(int maxConcurrent, int maxQueued) {
  static BulkheadConfig read(ConfigReader r, JsonObject json, String path, BulkheadConfig fallback) {
    return new BulkheadConfig((int) r.number(json, "maxConcurrent", path + ".maxConcurrent", fallback.maxConcurrent(), 1),
        (int) r.number(json, "maxQueued", path + ".maxQueued", fallback.maxQueued(), 0));
  }
}
