package dev.wfgateway.common.messages;

import dev.wfgateway.common.service.RecordCodec;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * A dead-lettered run (DESIGN.md sections 3 and 7b); {@code id} is null until the store assigns one.
 * {@code compensations} lists what was compensated before the run was handed over (often none).
 */
public record DlqEntry(String id, String tenant, String workflow, String runId, JsonObject input, DlqReason reason,
    FailureInfo error, List<CompensationRecord> compensations, int attempts, String firstFailedAt, String lastFailedAt,
    RunSource source, String requestId, int redriveCount) {
  public static final RecordCodec<DlqEntry> CODEC = new RecordCodec<>(DlqEntry.class, DlqEntry::toJson,
      DlqEntry::fromJson);

  public DlqEntry {
    compensations = compensations == null ? List.of() : List.copyOf(compensations);
  }

  public DlqEntry withId(String newId) {
    return new DlqEntry(newId, tenant, workflow, runId, input, reason, error, compensations, attempts, firstFailedAt, lastFailedAt,
        source, requestId, redriveCount);
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject();
    if (id != null) {
      json.put("id", id);
    }
    json.put("tenant", tenant).put("workflow", workflow).put("runId", runId).put("input", input)
        .put("reason", reason.wire()).put("error", error.toJson());
    if (!compensations.isEmpty()) {
      json.put("compensations", CompensationRecord.toJson(compensations));
    }
    json.put("attempts", attempts)
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
        compensations(json), json.getInteger("attempts", 0), json.getString("firstFailedAt"), json.getString("lastFailedAt"), source,
        json.getString("requestId"), json.getInteger("redriveCount", 0));
  }

  private static List<CompensationRecord> compensations(JsonObject json) {
    Object list = json.getValue("compensations");
    if (list != null && !(list instanceof JsonArray array && array.stream().allMatch(JsonObject.class::isInstance))) {
      throw Messages.invalid("/compensations", "compensations must be a list of {name, status, attempts, error?}");
    }
    return CompensationRecord.listFrom((JsonArray) list);
  }
}
