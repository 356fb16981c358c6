package dev.wfgateway.common.messages;

import io.vertx.core.json.JsonArray;
import dev.wfgateway.common.service.RecordCodec;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * The run record of DESIGN.md sections 3 and 7b. Timestamps are ISO-8601 instants;
 * {@code compensations} is empty unless the run failed after a step that declares one had succeeded.
 */
public record RunRecord(
    String runId,
    String tenant,
    String workflow,
    String definitionVersion,
    RunStatus status,
    JsonObject input,
    JsonObject output,
    FailureInfo error,
    List<StepRecord> steps,
    List<CompensationRecord> compensations,
    int attempts,
    LockInfo lock,
    String dlqId,
    String createdAt,
    String startedAt,
    String endedAt) {
  public static final RecordCodec<RunRecord> CODEC =
      new RecordCodec<>(RunRecord.class, RunRecord::toJson, RunRecord::fromJson);


  public RunRecord {
    steps = List.copyOf(steps);
    compensations = compensations == null ? List.of() : List.copyOf(compensations);
  }

  public static RunRecord queued(String runId, String tenant, String workflow, String definitionVersion,
      JsonObject input, String createdAt) {
    return new RunRecord(runId, tenant, workflow, definitionVersion, RunStatus.QUEUED, input, null, null, List.of(),
        List.of(), 0, null, null, createdAt, null, null);
  }

  public RunRecord started(String at, int attempt, LockInfo lock) {
    return new RunRecord(runId, tenant, workflow, definitionVersion, RunStatus.RUNNING, input, output, error, steps,
        compensations, attempt, lock, dlqId, createdAt, at, endedAt);
  }

  public RunRecord withStep(StepRecord step) {
    List<StepRecord> next = new ArrayList<>(steps);
    next.add(step);
    return new RunRecord(runId, tenant, workflow, definitionVersion, status, input, output, error, next, compensations,
        attempts, lock, dlqId, createdAt, startedAt, endedAt);
  }

  public RunRecord withCompensations(List<CompensationRecord> done) {
    return new RunRecord(runId, tenant, workflow, definitionVersion, status, input, output, error, steps, done,
        attempts, lock, dlqId, createdAt, startedAt, endedAt);
  }

  public RunRecord succeeded(JsonObject result, String at) {
    return new RunRecord(runId, tenant, workflow, definitionVersion, RunStatus.SUCCEEDED, input, result, null, steps,
        compensations, attempts, lock, dlqId, createdAt, startedAt, at);
  }

  public RunRecord ended(RunStatus finalStatus, FailureInfo failure, String dlq, String at) {
    return new RunRecord(runId, tenant, workflow, definitionVersion, finalStatus, input, output, failure, steps,
        compensations, attempts, lock, dlq, createdAt, startedAt, at);
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject()
        .put("runId", runId)
        .put("tenant", tenant)
        .put("workflow", workflow)
        .put("status", status.wire())
        .put("input", input)
        .put("steps", new JsonArray(steps.stream().map(StepRecord::toJson).toList()))
        .put("attempts", attempts)
        .put("createdAt", createdAt);
    putIfPresent(json, "definitionVersion", definitionVersion);
    if (!compensations.isEmpty()) {
      json.put("compensations", CompensationRecord.toJson(compensations));
    }
    putIfPresent(json, "output", output);
    putIfPresent(json, "error", error == null ? null : error.toJson());
    putIfPresent(json, "lock", lock == null ? null : lock.toJson());
    putIfPresent(json, "dlqId", dlqId);
    putIfPresent(json, "startedAt", startedAt);
    putIfPresent(json, "endedAt", endedAt);
    return json;
  }

  private static void putIfPresent(JsonObject json, String field, Object value) {
    if (value != null) {
      json.put(field, value);
    }
  }

  public static RunRecord fromJson(JsonObject json) {
    List<StepRecord> steps = json.getJsonArray("steps", new JsonArray()).stream()
        .map(o -> StepRecord.fromJson((JsonObject) o)).toList();
    return new RunRecord(json.getString("runId"), json.getString("tenant"), json.getString("workflow"),
        json.getString("definitionVersion"), RunStatus.fromWire(json.getString("status")), json.getJsonObject("input"),
        json.getJsonObject("output"), FailureInfo.fromJson(json.getJsonObject("error")), steps,
        CompensationRecord.listFrom(json.getJsonArray("compensations")), json.getInteger("attempts", 0),
        LockInfo.fromJson(json.getJsonObject("lock")), json.getString("dlqId"), json.getString("createdAt"),
        json.getString("startedAt"), json.getString("endedAt"));
  }
}
