package dev.wfgateway.common.messages;

import io.vertx.core.json.JsonObject;

/**
 * One step of a run record: {@code status} is {@code succeeded}, {@code failed}, {@code skipped}
 * (its {@code when} was false) or {@code cancelled} (a sibling branch failed first). {@code group}
 * names the parallel group of a branch; {@code output} is kept for a succeeded step that declares a
 * compensation, so that a node taking the run over can still compensate it. Both are null otherwise.
 */
public record StepRecord(String name, String group, String status, int attempts, long durationMs, String error,
    JsonObject output) {

  public static StepRecord skipped(String name, String group) {
    return new StepRecord(name, group, "skipped", 0, 0, null, null);
  }

  public boolean succeeded() {
    return "succeeded".equals(status);
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("name", name);
    if (group != null) {
      json.put("group", group);
    }
    json.put("status", status).put("attempts", attempts).put("durationMs", durationMs);
    if (error != null) {
      json.put("error", error);
    }
    if (output != null) {
      json.put("output", output);
    }
    return json;
  }

  public static StepRecord fromJson(JsonObject json) {
    return new StepRecord(json.getString("name"), json.getString("group"), json.getString("status"),
        json.getInteger("attempts", 0), json.getLong("durationMs", 0L), json.getString("error"),
        json.getJsonObject("output"));
  }
}
