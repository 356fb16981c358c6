package dev.wfgateway.ratelimit;

import dev.wfgateway.common.config.RatePolicy;
import dev.wfgateway.common.messages.RateLimitDecision;
import dev.wfgateway.common.messages.RateLimitRequest;
import io.vertx.core.Future;
import java.util.List;

/**
 * Checks one request against all the policies of its tenant's route at once: either every policy
 * has room and the request's cost is consumed in every window, or nothing is consumed.
 */
public interface SlidingWindowLimiter {

  /** {@link RateLimitDecision#MODE_REDIS} or {@link RateLimitDecision#MODE_LOCAL}: what decides right now. */
  String mode();

  /** {@code policies} is never empty. */
  Future<RateLimitDecision> check(RateLimitRequest request, List<RatePolicy> policies);
}
