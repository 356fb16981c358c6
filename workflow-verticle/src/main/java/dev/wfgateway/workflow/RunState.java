package dev.wfgateway.workflow;

import dev.wfgateway.common.Headers;
import dev.wfgateway.common.config.WorkflowDefinition;
import dev.wfgateway.common.messages.DlqReason;
import dev.wfgateway.common.messages.RunRecord;
import dev.wfgateway.common.messages.StepRecord;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonObject;

/**
 * What one run has done so far: its record, the outputs of its steps, its lock lease, the step it
 * is at and whether it has ended. Shared by the executor that owns the run's life, the walk over
 * its steps and its compensations; only ever touched on the run's event loop.
 */
final class RunState {
  final RunContext context;
  final WorkflowDefinition definition;
  final Attempts.CallLog calls = new Attempts.CallLog();
  /** Step outputs under the steps' names: the {@code steps} of {@code {input, steps}}. */
  final JsonObject outputs = new JsonObject();
  RunRecord record;
  LockLease lease;
  boolean ended;
  /** The step (or parallel group) the run is at, or the branch that failed it. */
  String currentStep;
  /** The attempts of the step that failed the run. */
  int stepAttempts;

  /** A run from its record: outputs a taken-over record kept (those of steps with compensations) are restored. */
  RunState(RunContext context, RunRecord record) {
    this.context = context;
    this.definition = context.definition();
    this.record = record;
    for (StepRecord step : record.steps()) {
      if (step.output() != null) {
        outputs.put(step.name(), step.output());
      }
    }
  }

  /** What a step's pointers read and what it receives without an {@code input}: {@code {input, steps}}. */
  JsonObject scope() {
    return new JsonObject().put("input", record.input()).put("steps", outputs.copy());
  }

  /** Why no further step may be called, or null while the run may go on. */
  StepFailure stopped() {
    if (ended) {
      return StepFailure.notCalled("ended", "the run has ended", false, DlqReason.STEP_FAILED);
    }
    if (lease != null && lease.lost()) {
      return StepFailure.notCalled("lock_lost",
          "the lock lease was lost; the run stopped before calling the step", false, DlqReason.LOCK_LOST);
    }
    return null;
  }

  StepCall call(String step, boolean compensation, JsonObject payload) {
    return new StepCall(definition.name(), step, compensation, record.tenant(), record.runId(), payload, headers());
  }

  private MultiMap headers() {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap().add(Headers.RUN_ID, record.runId());
    if (context.request().requestId() != null) {
      headers.add(Headers.REQUEST_ID, context.request().requestId());
    }
    if (context.traceparent() != null) {
      headers.add(Headers.TRACEPARENT, context.traceparent());
    }
    if (lease != null) {
      headers.add(Headers.FENCING_TOKEN, String.valueOf(lease.fencingToken()));
    }
    return headers;
  }
}
