package dev.wfgateway.common.messages;

import dev.wfgateway.common.service.RecordCodec;
import io.vertx.core.json.JsonObject;

/** A dead-lettered run (DESIGN.md section 3); {@code id} is null until the store assigns one. */
public record DlqEntry(String id, String tenant, String workflow, String runId, JsonObject input, DlqReason reason,
    FailureInfo error, int attempts, String firstFailedAt, String lastFailedAt, RunSource source, String requestId,
    int redriveCount) {
  public static final RecordCodec<DlqEntry> CODEC = new RecordCodec<>(DlqEntry.class, DlqEntry::toJson,
      DlqEntry::fromJson);

  public DlqEntry withId(String newId) {
    return new DlqEntry(newId, tenant, workflow, runId, input, reason, error, attempts, firstFailedAt, lastFailedAt,
        source, requestId, redriveCount);
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject();
    if (id != null) {
      json.put("id", id);
    }
    json.put("tenant", tenant).put("workflow", workflow).put("runId", runId).put("input", input)
        .put("reason", reason.wire()).put("error", error.toJson()).put("attempts", attempts)
        .put("firstFailedAt", firstFailedAt).put("lastFailedAt", lastFailedAt).put("source", source.wire());
    if (requestId != null) {
      json.put("requestId", requestId);
    }
    return json.put("redriveCount", redriveCount);
  }

  public static DlqEntry fromJson(JsonObject json) {
    Messages.requireString(json, "tenant");
    Messages.requireString(json, "workflow");
    Messages.requireString(json, "runId");
    DlqReason reason;
    RunSource source;
    try {
      reason = DlqReason.fromWire(Messages.requireString(json, "reason"));
    } catch (IllegalArgumentException e) {
      throw Messages.invalid("/reason", "reason must be one of step_failed, timeout, circuit_open, lock_lost, rejected");
    }
    try {
      source = RunSource.fromWire(json.getString("source", "eventbus"));
    } catch (IllegalArgumentException e) {
      throw Messages.invalid("/source", "source must be http, eventbus or redrive");
    }
    if (!(json.getValue("error") instanceof JsonObject error)) {
      throw Messages.invalid("/error", "error must be an object {type, message, step?}");
    }
    return new DlqEntry(json.getString("id"), json.getString("tenant"), json.getString("workflow"),
        json.getString("runId"), json.getJsonObject("input", new JsonObject()), reason, FailureInfo.fromJson(error),
        json.getInteger("attempts", 0), json.getString("firstFailedAt"), json.getString("lastFailedAt"), source,
        json.getString("requestId"), json.getInteger("redriveCount", 0));
  }
}
