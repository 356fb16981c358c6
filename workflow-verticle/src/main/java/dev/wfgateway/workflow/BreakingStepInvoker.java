package dev.wfgateway.workflow;

import dev.wfgateway.common.config.StepTarget;
import dev.wfgateway.common.messages.DlqReason;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * Puts every step call behind the calling tenant's breaker for its downstream: an open breaker
 * fails the attempt at once (no call, no wait); the attempt's retry policy still applies. Only
 * failures that say something about the downstream count (a call it rejected as bad input does not).
 */
final class BreakingStepInvoker implements StepInvoker {
  private final StepInvoker delegate;
  private final CircuitBreakers breakers;

  BreakingStepInvoker(StepInvoker delegate, CircuitBreakers breakers) {
    this.delegate = delegate;
    this.breakers = breakers;
  }

  @Override
  public Future<JsonObject> invoke(StepTarget target, StepCall call) {
    FailureRateBreaker breaker = breakers.forTarget(target, call.tenant());
    long start = breakers.now();
    if (!breaker.tryAcquire(start)) {
      return Future.failedFuture(StepFailure.notCalled("circuit_open", "circuit breaker '" + breaker.name()
          + "' is open for this tenant; the step was not called", true, DlqReason.CIRCUIT_OPEN));
    }
    return delegate.invoke(target, call).andThen(ar -> {
      boolean downstreamFault = ar.failed() && (!(ar.cause() instanceof StepFailure sf) || sf.retryable());
      breaker.onResult(!downstreamFault, breakers.now() - start, breakers.now());
    });
  }
}
