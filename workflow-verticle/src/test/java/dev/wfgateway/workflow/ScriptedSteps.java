package dev.wfgateway.workflow;

import dev.wfgateway.common.config.StepTarget;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Steps that answer as the test scripted them, attempt by attempt; a step with no answer left
 * answers {@code {"from": <step>}}. Every attempt is kept with the instant it was made.
 */
final class ScriptedSteps implements StepInvoker {
  /** Appended to a step's name for the script and the attempts of its compensation. */
  static final String COMPENSATION = "/compensate";
  record Attempt(String step, long atMillis, StepCall call) {
  }

  private final ManualTime time;
  private final Map<String, Deque<Supplier<Future<JsonObject>>>> scripts = new HashMap<>();
  final List<Attempt> attempts = new ArrayList<>();

  ScriptedSteps(ManualTime time) {
    this.time = time;
  }

  /** The step's next attempts fail with these, in order. */
  void failWith(String step, StepFailure... failures) {
    for (StepFailure failure : failures) {
      script(step).addLast(() -> Future.failedFuture(failure));
    }
  }

  /** The step's next attempt answers only when the test completes the promise. */
  Promise<JsonObject> hang(String step) {
    Promise<JsonObject> answer = Promise.promise();
    script(step).addLast(answer::future);
    return answer;
  }

  /** When each attempt of the step was made, in ms from {@link ManualTime#START}. */
  List<Long> attemptTimes(String step) {
    return attempts.stream().filter(a -> a.step().equals(step)).map(Attempt::atMillis).toList();
  }

  int attemptsOf(String step) {
    return attemptTimes(step).size();
  }

  private Deque<Supplier<Future<JsonObject>>> script(String step) {
    return scripts.computeIfAbsent(step, s -> new ArrayDeque<>());
  }

  @Override
  public Future<JsonObject> invoke(StepTarget target, StepCall call) {
    String step = call.compensation() ? call.step() + COMPENSATION : call.step();
    attempts.add(new Attempt(step, time.elapsed(), call));
    Supplier<Future<JsonObject>> next = script(step).pollFirst();
    return next != null ? next.get() : Future.succeededFuture(new JsonObject().put("from", step));
  }
}
