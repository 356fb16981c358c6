package dev.wfgateway.ratelimit;

import dev.wfgateway.common.config.RatePolicy;
import dev.wfgateway.common.messages.RateLimitDecision;
import dev.wfgateway.common.messages.RateLimitRequest;
import dev.wfgateway.common.resilience.DependencyBreaker;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.circuitbreaker.CircuitBreakerState;
import io.vertx.circuitbreaker.OpenCircuitException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/**
 * Redis while it answers, the local windows while it does not, switched by a Vert.x circuit
 * breaker ({@value #DEPENDENCY}). One failed call (a timeout or a connection error) opens it:
 * that request and every later one are decided locally at once, so an outage costs one command
 * timeout, not one per request. Every {@code probeInterval} the breaker goes half-open and its one
 * trial call is a probe, never a tenant's request: when Redis runs the script again it closes and
 * Redis decides again.
 *
 * <p>Confined to the event loop of the verticle instance that owns it.
 */
final class FailoverLimiter implements SlidingWindowLimiter {
  static final String DEPENDENCY = "redis-ratelimit";
  private static final System.Logger LOG = System.getLogger(FailoverLimiter.class.getName());

  private final RedisSlidingWindowLimiter redis;
  private final SlidingWindowLimiter local;
  private final Consumer<String> modeChanged;
  private final DependencyBreaker breaker;

  /** {@code modeChanged} hears the mode {@link #start} begins with, then every switch. */
  FailoverLimiter(Vertx vertx, RedisSlidingWindowLimiter redis, SlidingWindowLimiter local, Duration probeInterval,
      MeterRegistry registry, Consumer<String> modeChanged) {
    this.redis = redis;
    this.local = local;
    this.modeChanged = modeChanged;
    this.breaker = new DependencyBreaker(vertx, DEPENDENCY, DependencyBreaker.failoverOptions(probeInterval), registry,
        this::transitioned);
  }

  /**
   * Begins in redis mode if Redis answers within {@code timeout}, in local mode otherwise; never
   * fails. The first call also opens a connection, hence a timeout of its own.
   */
  Future<Void> start(Duration timeout) {
    return breaker.execute(() -> redis.probe(timeout)).transform(probe -> {
      if (probe.failed()) {
        LOG.log(Level.WARNING, "Redis does not answer ({0}); rate limits start on local windows",
            String.valueOf(probe.cause()));
      }
      modeChanged.accept(mode());
      return Future.succeededFuture();
    });
  }

  @Override
  public String mode() {
    return breaker.state() == CircuitBreakerState.CLOSED ? RateLimitDecision.MODE_REDIS : RateLimitDecision.MODE_LOCAL;
  }

  @Override
  public Future<RateLimitDecision> check(RateLimitRequest request, List<RatePolicy> policies) {
    if (breaker.state() != CircuitBreakerState.CLOSED) {
      return local.check(request, policies);
    }
    return breaker.execute(() -> redis.check(request, policies)).recover(failure -> {
      if (!(failure instanceof OpenCircuitException)) {
        LOG.log(Level.WARNING, "Redis failed ({0}); rate limits fall back to local windows", String.valueOf(failure));
      }
      return local.check(request, policies);
    });
  }

  void stop() {
    breaker.close();
  }

  private void transitioned(CircuitBreakerState state) {
    if (state == CircuitBreakerState.HALF_OPEN) {
      breaker.execute(redis::probe); // the trial: a success closes the breaker, a failure opens it again
    } else {
      modeChanged.accept(mode());
    }
  }
}
