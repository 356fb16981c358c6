package dev.wfgateway.common.messages;

import io.vertx.core.json.JsonObject;

public record LockInfo(String key, long fencingToken) {
  public JsonObject toJson() {
    return new JsonObject().put("key", key).put("fencingToken", fencingToken);
  }

  public static LockInfo fromJson(JsonObject json) {
    return json == null ? null : new LockInfo(json.getString("key"), json.getLong("fencingToken"));
  }
}
