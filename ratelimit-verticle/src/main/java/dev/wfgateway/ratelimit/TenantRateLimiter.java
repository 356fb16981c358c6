package dev.wfgateway.ratelimit;

import dev.wfgateway.common.ProblemException;
import dev.wfgateway.common.ProblemType;
import dev.wfgateway.common.config.RatePolicy;
import dev.wfgateway.common.config.TenantConfig;
import dev.wfgateway.common.messages.RateLimitDecision;
import dev.wfgateway.common.messages.RateLimitRequest;
import io.vertx.core.Future;
import java.util.List;
import java.util.Map;

/** Applies the configured policies of a tenant's route to a request, and counts the decision. */
final class TenantRateLimiter {
  private final Map<String, TenantConfig> tenants;
  private final SlidingWindowLimiter limiter;
  private final RateLimitMetrics metrics;

  TenantRateLimiter(Map<String, TenantConfig> tenants, SlidingWindowLimiter limiter, RateLimitMetrics metrics) {
    this.tenants = tenants;
    this.limiter = limiter;
    this.metrics = metrics;
  }

  /** Fails with a 404 problem for an unknown tenant; a route without policies is always allowed. */
  Future<RateLimitDecision> check(RateLimitRequest request) {
    TenantConfig tenant = tenants.get(request.tenant());
    if (tenant == null) {
      return Future.failedFuture(new ProblemException(ProblemType.NOT_FOUND.problem("Unknown tenant")));
    }
    List<RatePolicy> policies = tenant.policiesFor(request.route());
    if (policies.isEmpty()) {
      return Future.succeededFuture(new RateLimitDecision(true, List.of(), null, limiter.mode()));
    }
    return limiter.check(request, policies).onSuccess(decision -> metrics.record(request, decision));
  }
}
