package dev.wfgateway.common.messages;

import io.vertx.core.json.JsonObject;

/** One rate-limit policy's state after a check. */
public record PolicyState(String name, long limit, long windowSeconds, long remaining, long resetSeconds) {

  public JsonObject toJson() {
    return new JsonObject().put("name", name).put("limit", limit).put("windowSeconds", windowSeconds)
        .put("remaining", remaining).put("resetSeconds", resetSeconds);
  }

  public static PolicyState fromJson(JsonObject json) {
    return new PolicyState(json.getString("name"), json.getLong("limit"), json.getLong("windowSeconds"),
        json.getLong("remaining"), json.getLong("resetSeconds"));
  }
}
