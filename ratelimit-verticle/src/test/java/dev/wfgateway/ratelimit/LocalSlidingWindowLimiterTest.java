package dev.wfgateway.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wfgateway.common.config.RatePolicy;
import dev.wfgateway.common.messages.RateLimitDecision;
import io.vertx.core.Context;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxTestContext;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;

/** The in-memory windows: the contract, plus what only they do (a node's share, the idle sweep). */
class LocalSlidingWindowLimiterTest extends SlidingWindowLimiterContract {
  private final AtomicInteger liveNodes = new AtomicInteger(1);
  private LocalSlidingWindowLimiter local;

  @Override
  SlidingWindowLimiter create(Vertx vertx, LongSupplier clockMillis) {
    local = new LocalSlidingWindowLimiter(clockMillis, liveNodes::get);
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

  /** The verticle instances of a node check against the one limiter, each from its own event loop. */
  @Test
  void instancesOnSeveralEventLoopsShareTheWindowsExactly(VertxTestContext test) {
    RatePolicy policy = new RatePolicy("burst", 35_000, Duration.ofSeconds(10));
    Set<Thread> loops = ConcurrentHashMap.newKeySet();
    List<Long> allowed = new CopyOnWriteArrayList<>();
    vertx.deployVerticle(() -> new VerticleBase() {
          @Override
          public Future<?> start() {
            loops.add(Thread.currentThread());
            return allowedInBursts(context, 100, policy).onSuccess(n -> {
              test.verify(() -> assertThat(Vertx.currentContext()).as("answered on the caller's context")
                  .isSameAs(context));
              allowed.add(n);
            });
          }
        }, new DeploymentOptions().setInstances(4))
        .onComplete(test.succeeding(id -> test.verify(() -> {
          assertThat(loops).hasSize(4);
          assertThat(allowed.stream().mapToLong(Long::longValue).sum()).isEqualTo(35_000);
          test.completeNow();
        })));
  }

  /**
   * {@code bursts} times 100 checks, each burst a task of its own on {@code context}: no task holds
   * its event loop for long, and the bursts of the instances interleave.
   */
  private Future<Long> allowedInBursts(Context context, int bursts, RatePolicy policy) {
    return allowedOf(100, policy).compose(allowed -> bursts == 1 ? Future.succeededFuture(allowed)
        : nextTask(context).compose(v -> allowedInBursts(context, bursts - 1, policy)).map(rest -> allowed + rest));
  }

  private static Future<Void> nextTask(Context context) {
    Promise<Void> next = Promise.promise();
    context.runOnContext(next::complete);
    return next.future();
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
