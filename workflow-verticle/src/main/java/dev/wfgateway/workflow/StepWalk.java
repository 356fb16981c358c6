package dev.wfgateway.workflow;

import dev.wfgateway.common.config.StepDefinition;
import dev.wfgateway.common.config.StepInput;
import dev.wfgateway.common.messages.DlqReason;
import dev.wfgateway.common.messages.StepRecord;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Walks one run's steps in definition order (DESIGN.md section 7b): a step whose {@code when} is
 * false is recorded {@code skipped} and not called; a step with {@code input} receives exactly the
 * body built from its pointers; the branches of a parallel group start together and the group ends
 * when all have succeeded, or at the first that fails after its retries, which cancels the others
 * (a call already out is abandoned, not awaited). A succeeded step that declares a compensation is
 * stored with its output before the walk goes on, so that whoever ends the run can compensate it.
 */
final class StepWalk {
  private final RunState run;
  private final Attempts attempts;
  private final WorkflowMetrics metrics;
  private final RunStore store;
  private final Duration retention;

  /** One call of the walk: how many attempts it made, and whether it has been recorded (or cancelled). */
  private static final class Call {
    final Attempts.Tally tally;
    final long startNanos = System.nanoTime();
    boolean settled;
    boolean cancelled;

    Call(Attempts.CallLog log) {
      tally = new Attempts.Tally(log);
    }
  }

  StepWalk(RunState run, Attempts attempts, WorkflowMetrics metrics, RunStore store, Duration retention) {
    this.run = run;
    this.attempts = attempts;
    this.metrics = metrics;
    this.store = store;
    this.retention = retention;
  }

  /** Runs every step; answers the run's output {@code {steps, result}} or fails with the {@link StepFailure}. */
  Future<JsonObject> walk() {
    return from(0);
  }

  private Future<JsonObject> from(int index) {
    List<StepDefinition> steps = run.definition.steps();
    if (index == steps.size()) {
      return Future.succeededFuture(output(steps.get(steps.size() - 1)));
    }
    StepDefinition step = steps.get(index);
    Future<?> done = step.parallel() ? group(step) : single(step, null, run.scope(), new Call(run.calls));
    return done.compose(v -> from(index + 1));
  }

  private JsonObject output(StepDefinition last) {
    JsonObject output = new JsonObject().put("steps", run.outputs.copy());
    Object result = last.parallel() ? branchOutputs(last) : run.outputs.getValue(last.name());
    return result == null ? output : output.put("result", result);
  }

  private JsonObject branchOutputs(StepDefinition group) {
    JsonObject outputs = new JsonObject();
    group.branches().forEach(b -> {
      if (run.outputs.containsKey(b.name())) {
        outputs.put(b.name(), run.outputs.getValue(b.name()));
      }
    });
    return outputs;
  }

  private Future<Void> group(StepDefinition group) {
    JsonObject scope = run.scope();
    run.currentStep = group.name();
    if (group.when() != null && !group.when().holds(scope)) {
      group.branches().forEach(b -> record(StepRecord.skipped(b.name(), group.name())));
      return Future.succeededFuture();
    }
    Promise<Void> done = Promise.promise();
    List<Call> calls = new ArrayList<>();
    group.branches().forEach(b -> calls.add(new Call(run.calls)));
    int[] left = {calls.size()};
    for (int i = 0; i < calls.size() && !calls.get(i).cancelled; i++) {
      StepDefinition branch = group.branches().get(i);
      Call call = calls.get(i);
      single(branch, group.name(), scope, call).onComplete(ar -> {
        if (ar.succeeded()) {
          if (--left[0] == 0) {
            done.tryComplete();
          }
        } else if (!done.future().isComplete()) {
          // failing the group ends the run at once when the walk awaits it: name the branch first
          run.currentStep = branch.name();
          run.stepAttempts = call.tally.attempts();
          cancelOthers(group, calls);
          done.fail(ar.cause());
        }
      });
    }
    return done.future();
  }

  private void cancelOthers(StepDefinition group, List<Call> calls) {
    for (int i = 0; i < calls.size(); i++) {
      Call call = calls.get(i);
      if (!call.settled && !run.ended) {
        call.settled = true;
        call.cancelled = true;
        record(new StepRecord(group.branches().get(i).name(), group.name(), "cancelled", call.tally.attempts(),
            elapsedMillis(call), "cancelled: another branch of the group failed", null));
      }
    }
  }

  private Future<JsonObject> single(StepDefinition step, String group, JsonObject scope, Call call) {
    if (group == null) {
      run.currentStep = step.name();
    }
    if (step.when() != null && !step.when().holds(scope)) {
      call.settled = true;
      record(StepRecord.skipped(step.name(), group));
      return Future.succeededFuture();
    }
    JsonObject payload;
    try {
      payload = step.input() == null ? scope : step.input().build(scope);
    } catch (StepInput.MissingValue e) {
      StepFailure failure = StepFailure.notCalled("input_missing", "step '" + step.name() + "': " + e.getMessage(),
          false, DlqReason.STEP_FAILED);
      settle(step, group, call, failure.getMessage(), null);
      return Future.failedFuture(failure);
    }
    return attempts.call(step.target(), step.retry(), run.call(step.name(), false, payload),
            () -> call.cancelled ? StepFailure.notCalled("cancelled", "another branch failed", false,
                DlqReason.STEP_FAILED) : run.stopped(), call.tally)
        .andThen(ar -> {
          metrics.stepEnded(run.definition.name(), step.name(), ar.succeeded(), System.nanoTime() - call.startNanos);
          if (ar.failed() && group == null) {
            run.stepAttempts = call.tally.attempts();
          }
          settle(step, group, call, ar.failed() ? ar.cause().getMessage() : null,
              ar.succeeded() && step.compensate() != null ? ar.result() : null);
        })
        .compose(output -> {
          if (call.cancelled || run.ended) {
            return Future.succeededFuture(output);
          }
          run.outputs.put(step.name(), output);
          return step.compensate() == null ? Future.succeededFuture(output)
              : store.save(run.record, retention).otherwiseEmpty().map(output);
        });
  }

  /** Records how a call ended, unless it was recorded already (cancelled) or the run ended meanwhile. */
  private void settle(StepDefinition step, String group, Call call, String error, JsonObject keptOutput) {
    if (call.settled || run.ended) {
      return;
    }
    call.settled = true;
    record(new StepRecord(step.name(), group, error == null ? "succeeded" : "failed", call.tally.attempts(),
        elapsedMillis(call), error, keptOutput));
  }

  private void record(StepRecord step) {
    run.record = run.record.withStep(step);
  }

  private static long elapsedMillis(Call call) {
    return (System.nanoTime() - call.startNanos) / 1_000_000;
  }
}
