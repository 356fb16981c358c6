package dev.wfgateway.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wfgateway.common.config.RatePolicy;
import dev.wfgateway.common.messages.RateLimitDecision;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxTestContext;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;

/** The in-memory windows: the contract, plus what only they do (a node's share, the idle sweep). */
class LocalSlidingWindowLimiterTest extends SlidingWindowLimiterContract {
  private final AtomicInteger liveNodes = new AtomicInteger(1);
  private LocalSlidingWindowLimiter local;

  @Override
  SlidingWindowLimiter create(Vertx vertx, LongSupplier clockMillis) {
    local = new LocalSlidingWindowLimiter(vertx, clockMillis, liveNodes::get);
    return local;
  }

  @Override
  String mode() {
    return RateLimitDecision.MODE_LOCAL;
  }

  @Override
  Future<Void> release() {
    return Future.succeededFuture();
  }

  @Test
  void eachNodeEnforcesItsShareOfTheLimit(VertxTestContext test) {
    liveNodes.set(3);
    RatePolicy policy = new RatePolicy("burst", 10, Duration.ofSeconds(10));
    allowedOf(6, policy)
        .compose(allowed -> {
          test.verify(() -> assertThat(allowed).as("ceil(10 / 3)").isEqualTo(4));
          return check(1, policy);
        })
        .onComplete(test.succeeding(denied -> test.verify(() -> {
          assertThat(denied.policies().get(0).limit()).isEqualTo(4);
          test.completeNow();
        })));
  }

  @Test
  void idleWindowsAreDropped(VertxTestContext test) {
    RatePolicy policy = new RatePolicy("burst", 1, Duration.ofSeconds(1));
    check("acme", "submit", 1, policy)
        .compose(v -> check("acme", "read", 1, policy))
        .compose(v -> check("globex", "submit", 1, policy))
        .compose(v -> local.windowCount())
        .compose(three -> {
          test.verify(() -> assertThat(three).isEqualTo(3));
          return at(1_000 + LocalSlidingWindowLimiter.SWEEP_INTERVAL_MILLIS, () -> check("globex", "read", 1, policy));
        })
        .compose(v -> local.windowCount())
        .onComplete(test.succeeding(one -> test.verify(() -> {
          assertThat(one).as("only the window just used").isEqualTo(1);
          test.completeNow();
        })));
  }
}
