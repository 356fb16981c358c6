package dev.wfgateway.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.wfgateway.common.config.RatePolicy;
import dev.wfgateway.common.messages.PolicyState;
import dev.wfgateway.common.messages.RateLimitDecision;
import dev.wfgateway.common.messages.RateLimitRequest;
import dev.wfgateway.testkit.Await;
import dev.wfgateway.testkit.TestVertx;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The in-memory windows, on a clock the test moves by hand. */
class LocalSlidingWindowLimiterTest {
  private static final RatePolicy BURST = new RatePolicy("burst", 5, Duration.ofSeconds(1));
  private static final RatePolicy SUSTAINED = new RatePolicy("sustained", 8, Duration.ofMinutes(1));

  private final AtomicLong clock = new AtomicLong(1_000_000);
  private final AtomicInteger liveNodes = new AtomicInteger(1);
  private Vertx vertx;
  private LocalSlidingWindowLimiter limiter;

  @BeforeEach
  void setUp() {
    vertx = TestVertx.create();
    limiter = new LocalSlidingWindowLimiter(vertx, clock::get, liveNodes::get);
  }

  @AfterEach
  void tearDown() throws Exception {
    TestVertx.close(vertx);
  }

  private RateLimitDecision check(String tenant, String route, int cost, RatePolicy... policies) {
    return Await.result(limiter.check(new RateLimitRequest(tenant, route, cost), List.of(policies)));
  }

  private long allowedOf(int requests, RatePolicy... policies) {
    long allowed = 0;
    for (int i = 0; i < requests; i++) {
      allowed += check("acme", "submit", 1, policies).allowed() ? 1 : 0;
    }
    return allowed;
  }

  @Test
  void allowsExactlyTheLimitOfTheTightestPolicy() {
    assertThat(allowedOf(7, BURST, SUSTAINED)).isEqualTo(5);
    clock.addAndGet(1_000);
    assertThat(allowedOf(7, BURST, SUSTAINED)).as("sustained has 3 left").isEqualTo(3);

    RateLimitDecision denied = check("acme", "submit", 1, BURST, SUSTAINED);
    assertThat(denied.allowed()).isFalse();
    assertThat(denied.mode()).isEqualTo(RateLimitDecision.MODE_LOCAL);
    assertThat(denied.policies()).extracting(PolicyState::name, PolicyState::remaining)
        .containsExactly(tuple("burst", 2L), tuple("sustained", 0L));
    assertThat(denied.retryAfterSeconds()).as("the first 5 units leave sustained after 59 s").isEqualTo(59);
  }

  @Test
  void aDeniedRequestConsumesNothing() {
    RatePolicy burst = new RatePolicy("burst", 3, Duration.ofSeconds(10));
    RatePolicy sustained = new RatePolicy("sustained", 2, Duration.ofMinutes(1));
    assertThat(allowedOf(2, burst, sustained)).isEqualTo(2);
    for (int i = 0; i < 5; i++) {
      RateLimitDecision denied = check("acme", "submit", 1, burst, sustained);
      assertThat(denied.allowed()).isFalse();
      assertThat(denied.policies().get(0).remaining()).as("burst untouched by denials").isEqualTo(1);
    }
    clock.addAndGet(60_000);
    assertThat(allowedOf(4, burst, sustained)).isEqualTo(2);
  }

  @Test
  void capacityComesBackAsUnitsAgeOutOneByOne() {
    RatePolicy policy = new RatePolicy("burst", 3, Duration.ofMillis(1_000));
    long start = clock.get();
    assertThat(allowedOf(1, policy)).isEqualTo(1);
    clock.set(start + 400);
    assertThat(allowedOf(2, policy)).isEqualTo(2);
    clock.set(start + 500);
    RateLimitDecision denied = check("acme", "submit", 1, policy);
    assertThat(denied.allowed()).isFalse();
    assertThat(denied.policies().get(0).resetSeconds()).isEqualTo(1);
    assertThat(denied.retryAfterSeconds()).isEqualTo(1);

    clock.set(start + 999);
    assertThat(allowedOf(1, policy)).as("the first unit still counts").isZero();
    clock.set(start + 1_000);
    assertThat(allowedOf(3, policy)).as("only the first unit has left").isEqualTo(1);
    clock.set(start + 1_400);
    assertThat(allowedOf(3, policy)).as("the two units of t=400 have left").isEqualTo(2);
  }

  @Test
  void aCostConsumesThatManyUnits() {
    RatePolicy policy = new RatePolicy("units", 5, Duration.ofSeconds(10));
    long start = clock.get();
    assertThat(check("acme", "submit", 3, policy).policies().get(0).remaining()).isEqualTo(2);
    clock.set(start + 2_000);
    assertThat(check("acme", "submit", 2, policy).allowed()).isTrue();
    clock.set(start + 3_000);
    RateLimitDecision denied = check("acme", "submit", 4, policy);
    assertThat(denied.allowed()).isFalse();
    assertThat(denied.policies().get(0).resetSeconds()).as("first 3 units free at 10 s").isEqualTo(7);
    assertThat(denied.retryAfterSeconds()).as("4 units are free once t=2s has left, at 12 s").isEqualTo(9);
    clock.set(start + 10_000);
    assertThat(check("acme", "submit", 4, policy).allowed()).isFalse();
    assertThat(check("acme", "submit", 3, policy).allowed()).isTrue();
  }

  @Test
  void aCostAboveTheLimitIsDeniedWithoutConsuming() {
    RatePolicy policy = new RatePolicy("units", 5, Duration.ofSeconds(10));
    RateLimitDecision denied = check("acme", "submit", 6, policy);
    assertThat(denied.allowed()).isFalse();
    assertThat(denied.retryAfterSeconds()).isEqualTo(10);
    assertThat(denied.policies().get(0).remaining()).isEqualTo(5);
    assertThat(check("acme", "submit", 5, policy).allowed()).isTrue();
  }

  @Test
  void eachNodeEnforcesItsShareOfTheLimit() {
    liveNodes.set(3);
    RatePolicy policy = new RatePolicy("burst", 10, Duration.ofSeconds(10));
    assertThat(allowedOf(6, policy)).as("ceil(10 / 3)").isEqualTo(4);
    assertThat(check("acme", "submit", 1, policy).policies().get(0).limit()).isEqualTo(4);
  }

  @Test
  void tenantsAndRoutesNeverShareQuota() {
    RatePolicy policy = new RatePolicy("burst", 1, Duration.ofSeconds(10));
    assertThat(check("acme", "submit", 1, policy).allowed()).isTrue();
    assertThat(check("acme", "submit", 1, policy).allowed()).isFalse();
    assertThat(check("acme", "read", 1, policy).allowed()).isTrue();
    assertThat(check("globex", "submit", 1, policy).allowed()).isTrue();
  }

  @Test
  void idleWindowsAreDropped() {
    RatePolicy policy = new RatePolicy("burst", 1, Duration.ofSeconds(1));
    check("acme", "submit", 1, policy);
    check("acme", "read", 1, policy);
    check("globex", "submit", 1, policy);
    assertThat(Await.result(limiter.windowCount())).isEqualTo(3);
    clock.addAndGet(1_000 + LocalSlidingWindowLimiter.SWEEP_INTERVAL_MILLIS);
    check("globex", "read", 1, policy);
    assertThat(Await.result(limiter.windowCount())).isEqualTo(1);
  }
}
