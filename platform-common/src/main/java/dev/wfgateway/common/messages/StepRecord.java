package dev.wfgateway.common.messages;

import io.vertx.core.json.JsonObject;

/** One step of a run record: {@code status} is {@code succeeded} or {@code failed}. */
public record StepRecord(String name, String status, int attempts, long durationMs, String error) {

  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("name", name).put("status", status).put("attempts", attempts)
        .put("durationMs", durationMs);
    if (error != null) {
      json.put("error", error);
    }
    return json;
  }

  public static StepRecord fromJson(JsonObject json) {
    return new StepRecord(json.getString("name"), json.getString("status"), json.getInteger("attempts", 0),
        json.getLong("durationMs", 0L), json.getString("error"));
  }
}
