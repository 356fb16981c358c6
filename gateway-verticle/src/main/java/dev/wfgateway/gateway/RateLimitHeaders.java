package dev.wfgateway.gateway;

import dev.wfgateway.common.messages.PolicyState;
import dev.wfgateway.common.messages.RateLimitDecision;
import io.vertx.core.http.HttpServerResponse;
import java.util.Comparator;
import java.util.stream.Collectors;

/**
 * The IETF httpapi ratelimit-headers fields plus the legacy {@code X-RateLimit-*} names. The
 * {@code RateLimit} field and the legacy names describe the policy closest to denying.
 */
final class RateLimitHeaders {
  private RateLimitHeaders() {
  }

  static void apply(HttpServerResponse response, RateLimitDecision decision) {
    if (decision.policies().isEmpty()) {
      return;
    }
    response.putHeader("RateLimit-Policy", decision.policies().stream()
        .map(p -> "\"" + p.name() + "\";q=" + p.limit() + ";w=" + p.windowSeconds())
        .collect(Collectors.joining(", ")));
    PolicyState tightest = tightest(decision);
    long reset = Math.max(1, tightest.resetSeconds());
    response.putHeader("RateLimit", "\"" + tightest.name() + "\";r=" + tightest.remaining() + ";t=" + reset);
    response.putHeader("X-RateLimit-Limit", String.valueOf(tightest.limit()));
    response.putHeader("X-RateLimit-Remaining", String.valueOf(tightest.remaining()));
    response.putHeader("X-RateLimit-Reset", String.valueOf(reset));
    if (!decision.allowed()) {
      long retryAfter = decision.retryAfterSeconds() == null ? reset : decision.retryAfterSeconds();
      response.putHeader("Retry-After", String.valueOf(Math.max(retryAfter, reset)));
    }
  }

  /** Fewest remaining first; between equals, the one that takes longest to free. */
  static PolicyState tightest(RateLimitDecision decision) {
    return decision.policies().stream()
        .min(Comparator.comparingLong(PolicyState::remaining)
            .thenComparing(Comparator.comparingLong(PolicyState::resetSeconds).reversed()))
        .orElseThrow();
  }
}
