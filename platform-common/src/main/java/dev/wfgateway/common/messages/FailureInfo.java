package dev.wfgateway.common.messages;

import io.vertx.core.json.JsonObject;

/** What went wrong: used as a run record's {@code error} and a DLQ entry's {@code error}. */
public record FailureInfo(String type, String message, String step) {
  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("type", type).put("message", message);
    if (step != null) {
      json.put("step", step);
    }
    return json;
  }

  public static FailureInfo fromJson(JsonObject json) {
    return json == null ? null : new FailureInfo(json.getString("type"), json.getString("message"), json.getString("step"));
  }
}
