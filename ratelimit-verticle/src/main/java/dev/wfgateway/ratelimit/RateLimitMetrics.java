package dev.wfgateway.ratelimit;

import dev.wfgateway.common.messages.PolicyState;
import dev.wfgateway.common.messages.RateLimitDecision;
import dev.wfgateway.common.messages.RateLimitRequest;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The rate limiter's meters. {@code platform.ratelimit.decisions} counts, per policy, the requests
 * it allowed and the ones it denied: an allowed request counts once for each of the route's
 * policies, a denied one once for each policy that lacked room (the others consumed nothing).
 */
final class RateLimitMetrics {
  static final String DECISIONS = "platform.ratelimit.decisions";
  static final String MODE = "platform.ratelimit.mode";
  static final String SCRIPT = "platform.ratelimit.redis.script";

  private final MeterRegistry registry;
  private final Timer scriptTimer;
  /** Counters by their tag values, built once: looking one up in the registry on every check costs. */
  private final Map<List<String>, Counter> decisions = new ConcurrentHashMap<>();

  /**
   * {@code status} is the node's status map holding the mode under {@code modeKey}: the gauge reads
   * it there, so it stays right whichever verticle instances come and go.
   */
  RateLimitMetrics(MeterRegistry registry, Map<String, Object> status, String modeKey) {
    this.registry = registry;
    this.scriptTimer = Timer.builder(SCRIPT)
        .description("Duration of the rate-limit script calls to Redis, failures included")
        .register(registry);
    if (registry.find(MODE).gauge() == null) { // the node's first instance registers it for all
      Gauge.builder(MODE, status, s -> RateLimitDecision.MODE_REDIS.equals(s.get(modeKey)) ? 1 : 0)
          .description("Rate-limit backend in force: 1 redis, 0 local")
          .strongReference(true)
          .register(registry);
    }
  }

  Timer scriptTimer() {
    return scriptTimer;
  }

  void record(RateLimitRequest request, RateLimitDecision decision) {
    String outcome = decision.allowed() ? "allowed" : "denied";
    for (PolicyState policy : decision.policies()) {
      if (decision.allowed() || policy.remaining() < request.cost()) {
        decisions.computeIfAbsent(List.of(request.tenant(), request.route(), policy.name(), outcome, decision.mode()),
            tags -> registry.counter(DECISIONS, "tenant", tags.get(0), "route", tags.get(1), "policy", tags.get(2),
                "outcome", tags.get(3), "mode", tags.get(4))).increment();
      }
    }
  }
}
