package dev.wfgateway.workflow;

import dev.wfgateway.common.config.RetryPolicy;
import dev.wfgateway.common.config.StepTarget;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * Calls a step's (or a compensation's) target with a retry policy: retryable failures are tried
 * again after the policy's backoff until its attempts are used up; a guard consulted before every
 * attempt can stop them (the run ended, a sibling branch failed, the lock lease was lost).
 */
final class Attempts {
  private final StepInvoker invoker;
  private final Timers timers;

  /** Whether one run's calls may have acted on a downstream: one answered, or one is still out. */
  static final class CallLog {
    private boolean called;
    private int outstanding;

    boolean mayHaveActed() {
      return called || outstanding > 0;
    }
  }

  /** The attempts one call made; {@code log} is its run's. */
  static final class Tally {
    private final CallLog log;
    private int attempts;

    Tally(CallLog log) {
      this.log = log;
    }

    int attempts() {
      return attempts;
    }
  }

  Attempts(StepInvoker invoker, Timers timers) {
    this.invoker = invoker;
    this.timers = timers;
  }

  /** {@code guard} answers the failure that stops the attempts, or null to let the next one go out. */
  Future<JsonObject> call(StepTarget target, RetryPolicy retry, StepCall call, Supplier<StepFailure> guard,
      Tally tally) {
    StepFailure stop = guard.get();
    if (stop != null) {
      return Future.failedFuture(stop);
    }
    tally.attempts++;
    tally.log.outstanding++;
    return invoker.invoke(target, call)
        .andThen(ar -> tally.log.outstanding--)
        .onSuccess(output -> tally.log.called = true)
        .recover(failure -> {
          StepFailure stepFailure = failure instanceof StepFailure sf ? sf
              : StepFailure.retryable("step_error", String.valueOf(failure.getMessage()));
          tally.log.called |= stepFailure.called();
          if (!stepFailure.retryable() || tally.attempts >= retry.maxAttempts() || guard.get() != null) {
            return Future.failedFuture(stepFailure);
          }
          long delay = retry.delayMillis(tally.attempts + 1, ThreadLocalRandom.current().nextDouble());
          return (delay == 0 ? Future.<Void>succeededFuture() : timers.delay(delay))
              .compose(v -> call(target, retry, call, guard, tally));
        });
  }
}
