package dev.wfgateway.workflow;

import dev.wfgateway.common.config.StepDefinition;
import dev.wfgateway.common.messages.CompensationRecord;
import dev.wfgateway.common.messages.FailureInfo;
import dev.wfgateway.common.messages.StepRecord;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Compensates a failed run (DESIGN.md section 7b): every succeeded step that declares a
 * {@code compensate} is compensated, newest completion first, one after the other, each with its
 * step's retry policy. A compensation receives {@code {input, steps, failure}}; one that fails is
 * recorded and the older ones are still compensated.
 */
final class Compensator {
  private final Attempts attempts;

  Compensator(Attempts attempts) {
    this.attempts = attempts;
  }

  Future<List<CompensationRecord>> compensate(RunState run, FailureInfo failure) {
    Map<String, StepDefinition> calls = run.definition.calls()
        .filter(step -> step.compensate() != null)
        .collect(Collectors.toMap(StepDefinition::name, Function.identity()));
    List<StepDefinition> due = new ArrayList<>();
    List<StepRecord> steps = run.record.steps();
    for (int i = steps.size() - 1; i >= 0; i--) {
      StepDefinition step = calls.get(steps.get(i).name());
      if (step != null && steps.get(i).succeeded()) {
        due.add(step);
      }
    }
    if (due.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    JsonObject payload = run.scope().put("failure", failure.toJson());
    return next(run, due, 0, payload, new ArrayList<>());
  }

  private Future<List<CompensationRecord>> next(RunState run, List<StepDefinition> due, int index,
      JsonObject payload, List<CompensationRecord> done) {
    if (index == due.size()) {
      return Future.succeededFuture(done);
    }
    StepDefinition step = due.get(index);
    Attempts.Tally tally = new Attempts.Tally(run.calls);
    return attempts.call(step.compensate(), step.retry(), run.call(step.name(), true, payload), () -> null, tally)
        .transform(ar -> {
          done.add(new CompensationRecord(step.name(), ar.succeeded() ? "succeeded" : "failed", tally.attempts(),
              ar.succeeded() ? null : ar.cause().getMessage()));
          return next(run, due, index + 1, payload, done);
        });
  }
}
