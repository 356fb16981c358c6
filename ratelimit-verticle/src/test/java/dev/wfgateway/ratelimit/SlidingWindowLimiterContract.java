package dev.wfgateway.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.wfgateway.common.config.RatePolicy;
import dev.wfgateway.common.messages.PolicyState;
import dev.wfgateway.common.messages.RateLimitDecision;
import dev.wfgateway.common.messages.RateLimitRequest;
import dev.wfgateway.testkit.TestVertx;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What both rate-limit backends promise, checked on a clock the test moves by hand: the Redis
 * script and the local windows must decide every case here alike, to the second.
 */
@ExtendWith(VertxExtension.class)
abstract class SlidingWindowLimiterContract {
  /** Far from zero and from the real time, so that neither could be mistaken for the other. */
  static final long START = 5_000_000_000L;

  final AtomicLong clock = new AtomicLong(START);
  Vertx vertx;
  SlidingWindowLimiter limiter;

  /** The backend under test, its windows on {@code clockMillis}. */
  abstract SlidingWindowLimiter create(Vertx vertx, LongSupplier clockMillis) throws Exception;

  abstract String mode();

  /** Releases what {@link #create} opened. */
  abstract Future<Void> release();

  @BeforeEach
  void createLimiter() throws Exception {
    vertx = TestVertx.create();
    limiter = create(vertx, clock::get);
  }

  @AfterEach
  void closeVertx() throws Exception {
    release().toCompletionStage().toCompletableFuture().get();
    TestVertx.close(vertx);
  }

  Future<RateLimitDecision> check(String tenant, String route, int cost, RatePolicy... policies) {
    return limiter.check(new RateLimitRequest(tenant, route, cost), List.of(policies));
  }

  Future<RateLimitDecision> check(int cost, RatePolicy... policies) {
    return check("acme", "submit", cost, policies);
  }

  /** {@code requests} checks of cost 1 one after the other; how many were allowed. */
  Future<Long> allowedOf(int requests, RatePolicy... policies) {
    Future<Long> allowed = Future.succeededFuture(0L);
    for (int i = 0; i < requests; i++) {
      allowed = allowed.compose(sum -> check(1, policies).map(d -> sum + (d.allowed() ? 1 : 0)));
    }
    return allowed;
  }

  /** Moves the clock to {@code START + millis}. */
  <T> Future<T> at(long millis, java.util.function.Supplier<Future<T>> then) {
    clock.set(START + millis);
    return then.get();
  }

  @Test
  void allowsExactlyTheLimitOfTheTightestPolicy(VertxTestContext test) {
    RatePolicy burst = new RatePolicy("burst", 5, Duration.ofSeconds(1));
    RatePolicy sustained = new RatePolicy("sustained", 8, Duration.ofMinutes(1));
    allowedOf(7, burst, sustained)
        .compose(first -> {
          test.verify(() -> assertThat(first).isEqualTo(5));
          return at(1_000, () -> allowedOf(7, burst, sustained));
        })
        .compose(second -> {
          test.verify(() -> assertThat(second).as("sustained has 3 left").isEqualTo(3));
          return check(1, burst, sustained);
        })
        .onComplete(test.succeeding(denied -> test.verify(() -> {
          assertThat(denied.allowed()).isFalse();
          assertThat(denied.mode()).isEqualTo(mode());
          assertThat(denied.policies()).extracting(PolicyState::name, PolicyState::remaining, PolicyState::limit,
              PolicyState::windowSeconds).containsExactly(tuple("burst", 2L, 5L, 1L), tuple("sustained", 0L, 8L, 60L));
          assertThat(denied.retryAfterSeconds()).as("the first 5 units leave sustained after 59 s").isEqualTo(59);
          test.completeNow();
        })));
  }

  @Test
  void aDeniedRequestConsumesNothing(VertxTestContext test) {
    RatePolicy burst = new RatePolicy("burst", 3, Duration.ofSeconds(10));
    RatePolicy sustained = new RatePolicy("sustained", 2, Duration.ofMinutes(1));
    Future<Long> denials = allowedOf(2, burst, sustained);
    for (int i = 0; i < 5; i++) {
      denials = denials.compose(sum -> check(1, burst, sustained).map(denied -> {
        test.verify(() -> {
          assertThat(denied.allowed()).isFalse();
          assertThat(denied.policies().get(0).remaining()).as("burst untouched by denials").isEqualTo(1);
        });
        return sum;
      }));
    }
    denials.compose(allowed -> {
      test.verify(() -> assertThat(allowed).isEqualTo(2));
      return at(60_000, () -> allowedOf(4, burst, sustained));
    }).onComplete(test.succeeding(later -> test.verify(() -> {
      assertThat(later).as("both windows empty again; burst's 3 still bound by sustained's 2").isEqualTo(2);
      test.completeNow();
    })));
  }

  @Test
  void capacityComesBackAsUnitsAgeOutOneByOne(VertxTestContext test) {
    RatePolicy policy = new RatePolicy("burst", 3, Duration.ofMillis(1_000));
    allowedOf(1, policy)
        .compose(first -> at(400, () -> allowedOf(2, policy)))
        .compose(two -> {
          test.verify(() -> assertThat(two).isEqualTo(2));
          return at(500, () -> check(1, policy));
        })
        .compose(denied -> {
          test.verify(() -> {
            assertThat(denied.allowed()).isFalse();
            assertThat(denied.policies().get(0).resetSeconds()).as("500 ms, rounded up").isEqualTo(1);
            assertThat(denied.retryAfterSeconds()).isEqualTo(1);
          });
          return at(999, () -> allowedOf(1, policy));
        })
        .compose(none -> {
          test.verify(() -> assertThat(none).as("the first unit still counts at 999 ms").isZero());
          return at(1_000, () -> allowedOf(3, policy));
        })
        .compose(one -> {
          test.verify(() -> assertThat(one).as("only the first unit has left at 1000 ms").isEqualTo(1));
          return at(1_400, () -> allowedOf(3, policy));
        })
        .onComplete(test.succeeding(two -> test.verify(() -> {
          assertThat(two).as("the two units of t=400 have left").isEqualTo(2);
          test.completeNow();
        })));
  }

  @Test
  void aCostConsumesThatManyUnits(VertxTestContext test) {
    RatePolicy policy = new RatePolicy("units", 5, Duration.ofSeconds(10));
    check(3, policy)
        .compose(three -> {
          test.verify(() -> assertThat(three.policies().get(0).remaining()).isEqualTo(2));
          return at(2_000, () -> check(2, policy));
        })
        .compose(two -> {
          test.verify(() -> assertThat(two.allowed()).isTrue());
          return at(3_000, () -> check(4, policy));
        })
        .compose(denied -> {
          test.verify(() -> {
            assertThat(denied.allowed()).isFalse();
            assertThat(denied.policies().get(0).remaining()).isZero();
            assertThat(denied.policies().get(0).resetSeconds()).as("the first 3 units free at 10 s").isEqualTo(7);
            assertThat(denied.retryAfterSeconds()).as("4 units are free once t=2s has left, at 12 s").isEqualTo(9);
          });
          return at(10_000, () -> check(4, policy));
        })
        .compose(stillDenied -> {
          test.verify(() -> assertThat(stillDenied.allowed()).isFalse());
          return check(3, policy);
        })
        .onComplete(test.succeeding(allowed -> test.verify(() -> {
          assertThat(allowed.allowed()).isTrue();
          assertThat(allowed.policies().get(0).remaining()).isZero();
          test.completeNow();
        })));
  }

  @Test
  void aCostAboveTheLimitIsDeniedWithoutConsuming(VertxTestContext test) {
    RatePolicy policy = new RatePolicy("units", 5, Duration.ofSeconds(10));
    check(6, policy)
        .compose(denied -> {
          test.verify(() -> {
            assertThat(denied.allowed()).isFalse();
            assertThat(denied.retryAfterSeconds()).as("never fits: a whole window").isEqualTo(10);
            assertThat(denied.policies().get(0).remaining()).isEqualTo(5);
          });
          return check(5, policy);
        })
        .onComplete(test.succeeding(all -> test.verify(() -> {
          assertThat(all.allowed()).isTrue();
          test.completeNow();
        })));
  }

  @Test
  void tenantsAndRoutesNeverShareQuota(VertxTestContext test) {
    RatePolicy policy = new RatePolicy("burst", 1, Duration.ofSeconds(10));
    Future.succeededFuture()
        .compose(v -> check("acme", "submit", 1, policy))
        .compose(first -> {
          test.verify(() -> assertThat(first.allowed()).isTrue());
          return check("acme", "submit", 1, policy);
        })
        .compose(second -> {
          test.verify(() -> assertThat(second.allowed()).isFalse());
          return check("acme", "read", 1, policy);
        })
        .compose(otherRoute -> {
          test.verify(() -> assertThat(otherRoute.allowed()).isTrue());
          return check("globex", "submit", 1, policy);
        })
        .onComplete(test.succeeding(otherTenant -> test.verify(() -> {
          assertThat(otherTenant.allowed()).isTrue();
          test.completeNow();
        })));
  }

  @Test
  void aDenialNamesWhenTheRequestWouldFit(VertxTestContext test) {
    RatePolicy policy = new RatePolicy("burst", 2, Duration.ofSeconds(10));
    check(1, policy)
        .compose(first -> at(2_000, () -> check(1, policy)))
        .compose(second -> at(3_000, () -> check(1, policy)))
        .compose(one -> {
          test.verify(() -> {
            assertThat(one.allowed()).isFalse();
            assertThat(one.policies().get(0).resetSeconds()).isEqualTo(7);
            assertThat(one.retryAfterSeconds()).as("one unit: when t=0 leaves").isEqualTo(7);
          });
          return check(2, policy);
        })
        .onComplete(test.succeeding(two -> test.verify(() -> {
          assertThat(two.allowed()).isFalse();
          assertThat(two.retryAfterSeconds()).as("two units: when t=2s leaves as well").isEqualTo(9);
          test.completeNow();
        })));
  }
}
