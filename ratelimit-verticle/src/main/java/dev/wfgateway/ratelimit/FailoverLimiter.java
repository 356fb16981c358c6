package dev.wfgateway.ratelimit;

import dev.wfgateway.common.config.RatePolicy;
import dev.wfgateway.common.messages.RateLimitDecision;
import dev.wfgateway.common.messages.RateLimitRequest;
import io.vertx.core.Future;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/**
 * Redis while it answers, the local windows while it does not. One failed call (a timeout or a
 * connection error) opens the breaker: that request and every later one are decided locally at
 * once, so an outage costs one command timeout, not one per request. {@link #probe}, called
 * periodically, closes it again as soon as Redis runs the script again.
 *
 * <p>Confined to the event loop of the verticle instance that owns it.
 */
final class FailoverLimiter implements SlidingWindowLimiter {
  private static final System.Logger LOG = System.getLogger(FailoverLimiter.class.getName());

  private final RedisSlidingWindowLimiter redis;
  private final SlidingWindowLimiter local;
  private final Consumer<String> modeChanged;
  private boolean redisUp;
  private boolean probing;

  /** {@code modeChanged} hears the mode {@link #start} begins with, then every switch. */
  FailoverLimiter(RedisSlidingWindowLimiter redis, SlidingWindowLimiter local, Consumer<String> modeChanged) {
    this.redis = redis;
    this.local = local;
    this.modeChanged = modeChanged;
  }

  /**
   * Begins in redis mode if Redis answers within {@code timeout}, in local mode otherwise; never
   * fails. The first call also opens a connection, hence a timeout of its own.
   */
  Future<Void> start(Duration timeout) {
    return redis.probe(timeout).transform(probe -> {
      redisUp = probe.succeeded();
      if (!redisUp) {
        LOG.log(Level.WARNING, "Redis does not answer ({0}); rate limits start on local windows",
            String.valueOf(probe.cause()));
      }
      modeChanged.accept(mode());
      return Future.succeededFuture();
    });
  }

  @Override
  public String mode() {
    return redisUp ? RateLimitDecision.MODE_REDIS : RateLimitDecision.MODE_LOCAL;
  }

  @Override
  public Future<RateLimitDecision> check(RateLimitRequest request, List<RatePolicy> policies) {
    if (!redisUp) {
      return local.check(request, policies);
    }
    return redis.check(request, policies).recover(failure -> {
      redisDown(failure);
      return local.check(request, policies);
    });
  }

  /** Switches back to Redis when it answers; never fails. */
  Future<Void> probe() {
    if (redisUp || probing) {
      return Future.succeededFuture();
    }
    probing = true;
    return redis.probe()
        .onComplete(done -> probing = false)
        .onSuccess(answered -> redisUp())
        .otherwiseEmpty();
  }

  private void redisDown(Throwable failure) {
    if (redisUp) {
      redisUp = false;
      LOG.log(Level.WARNING, "Redis failed ({0}); rate limits fall back to local windows", String.valueOf(failure));
      modeChanged.accept(mode());
    }
  }

  private void redisUp() {
    if (!redisUp) {
      redisUp = true;
      LOG.log(Level.INFO, "Redis answers; rate limits are decided in Redis again");
      modeChanged.accept(mode());
    }
  }
}
