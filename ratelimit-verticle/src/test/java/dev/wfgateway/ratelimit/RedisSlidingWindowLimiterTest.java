package dev.wfgateway.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wfgateway.common.config.RatePolicy;
import dev.wfgateway.common.config.RedisConfig;
import dev.wfgateway.common.messages.RateLimitDecision;
import dev.wfgateway.common.messages.RateLimitRequest;
import dev.wfgateway.common.redis.RedisClients;
import dev.wfgateway.testkit.Await;
import dev.wfgateway.testkit.RedisFixture;
import dev.wfgateway.testkit.TestVertx;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.redis.client.impl.ZModem;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The Lua sliding window against a real Redis. */
class RedisSlidingWindowLimiterTest {
  @RegisterExtension
  static final RedisFixture server = RedisFixture.perClass();

  private Vertx vertx;
  private Redis redis;
  private SimpleMeterRegistry registry;
  private RedisSlidingWindowLimiter limiter;



  @BeforeEach
  void setUp() {
    server.flush();
    vertx = TestVertx.create();
    // generous: these tests are about the window's arithmetic, not about a slow first call on a cold JVM
    redis = RedisClients.create(vertx, RedisConfig.standalone(server.url(), Duration.ofSeconds(5), 4));
    registry = new SimpleMeterRegistry();
    limiter = new RedisSlidingWindowLimiter(redis, Duration.ofSeconds(5), registry.timer("script"));
  }

  @AfterEach
  void tearDown() throws Exception {
    Await.result(redis.close());
    TestVertx.close(vertx);
  }

  private RateLimitDecision check(String tenant, String route, int cost, RatePolicy... policies) {
    return Await.result(limiter.check(new RateLimitRequest(tenant, route, cost), List.of(policies)));
  }

  private long allowedOf(int requests, String route, RatePolicy... policies) {
    long allowed = 0;
    for (int i = 0; i < requests; i++) {
      allowed += check("acme", route, 1, policies).allowed() ? 1 : 0;
    }
    return allowed;
  }

  private long members(String key) {
    return Long.parseLong(server.command("ZCARD " + key).substring(1));
  }

  @Test
  void allowsExactlyTheLimitOfTheTightestPolicy() {
    RatePolicy burst = new RatePolicy("burst", 5, Duration.ofMinutes(1));
    RatePolicy sustained = new RatePolicy("sustained", 8, Duration.ofMinutes(5));
    assertThat(allowedOf(12, "submit", burst, sustained)).isEqualTo(5);

    RatePolicy wide = new RatePolicy("wide", 10, Duration.ofMinutes(1));
    RatePolicy narrow = new RatePolicy("narrow", 4, Duration.ofMinutes(5));
    assertThat(allowedOf(9, "read", wide, narrow)).isEqualTo(4);

    RateLimitDecision denied = check("acme", "submit", 1, burst, sustained);
    assertThat(denied.mode()).isEqualTo(RateLimitDecision.MODE_REDIS);
    assertThat(denied.policies()).extracting(p -> p.name() + "=" + p.remaining() + "/" + p.limit() + "/" + p.windowSeconds())
        .containsExactly("burst=0/5/60", "sustained=3/8/300");
    assertThat(members(RedisSlidingWindowLimiter.key("acme", "submit", "sustained"))).isEqualTo(5);
    assertThat(registry.timer("script").count()).isEqualTo(22);
  }

  @Test
  void aDeniedRequestConsumesNothing() {
    RatePolicy burst = new RatePolicy("burst", 3, Duration.ofMinutes(1));
    RatePolicy sustained = new RatePolicy("sustained", 2, Duration.ofMinutes(1));
    assertThat(allowedOf(2, "submit", burst, sustained)).isEqualTo(2);
    for (int i = 0; i < 5; i++) {
      RateLimitDecision denied = check("acme", "submit", 1, burst, sustained);
      assertThat(denied.allowed()).isFalse();
      assertThat(denied.policies().get(0).remaining()).as("burst untouched by denials").isEqualTo(1);
    }
    assertThat(members(RedisSlidingWindowLimiter.key("acme", "submit", "burst"))).isEqualTo(2);
  }

  @Test
  void capacityComesBackAsUnitsAgeOutOneByOne() {
    RatePolicy policy = new RatePolicy("burst", 3, Duration.ofSeconds(2));
    assertThat(allowedOf(1, "submit", policy)).isEqualTo(1);
    Await.result(vertx.timer(1_000));
    assertThat(allowedOf(3, "submit", policy)).isEqualTo(2);
    // about 2.4 s after the first unit, 1.4 s after the other two: only the first has left
    Await.result(vertx.timer(1_400));
    assertThat(allowedOf(3, "submit", policy)).isEqualTo(1);
    // about 3.4 s: the two units of t=1s have left as well
    Await.result(vertx.timer(1_000));
    assertThat(allowedOf(3, "submit", policy)).isEqualTo(2);
  }

  @Test
  void tenantsAndRoutesNeverShareQuota() {
    RatePolicy policy = new RatePolicy("burst", 1, Duration.ofMinutes(1));
    assertThat(check("acme", "submit", 1, policy).allowed()).isTrue();
    assertThat(check("acme", "submit", 1, policy).allowed()).isFalse();
    assertThat(check("acme", "read", 1, policy).allowed()).isTrue();
    assertThat(check("globex", "submit", 1, policy).allowed()).isTrue();
  }

  @Test
  void keysAreHashTaggedByTenantAndExpireWithTheirWindow() {
    check("acme", "submit", 1, new RatePolicy("burst", 5, Duration.ofMillis(500)),
        new RatePolicy("sustained", 100, Duration.ofMinutes(15)));
    Response keys = Await.result(redis.send(Request.cmd(Command.KEYS).arg("*")));
    assertThat(keys.stream().map(Response::toString))
        .containsExactlyInAnyOrder("rl:{acme}:submit:burst", "rl:{acme}:submit:sustained");
    // the Redis Cluster slot the client computes: one per tenant, whatever the route and policy
    assertThat(ZModem.generate("rl:{acme}:submit:burst")).isEqualTo(ZModem.generate("rl:{acme}:read:reads"))
        .isEqualTo(ZModem.generate("acme"));
    assertThat(Long.parseLong(server.command("PTTL rl:{acme}:submit:burst").substring(1))).isBetween(1L, 500L);
    assertThat(Long.parseLong(server.command("PTTL rl:{acme}:submit:sustained").substring(1)))
        .isBetween(890_000L, 900_000L);
    Await.until("the idle burst window to disappear", Duration.ofSeconds(5),
        () -> ":0".equals(server.command("EXISTS rl:{acme}:submit:burst")));
  }

  @Test
  void recoversWhenTheServerForgotTheScript() {
    RatePolicy policy = new RatePolicy("burst", 5, Duration.ofMinutes(1));
    assertThat(check("acme", "submit", 1, policy).policies().get(0).remaining()).isEqualTo(4);
    assertThat(server.command("SCRIPT FLUSH")).isEqualTo("+OK");
    assertThat(check("acme", "submit", 1, policy).policies().get(0).remaining()).isEqualTo(3);
    assertThat(check("acme", "submit", 1, policy).policies().get(0).remaining()).isEqualTo(2);
  }

  @Test
  void aCostConsumesThatManyUnits() {
    RatePolicy policy = new RatePolicy("units", 5, Duration.ofMinutes(1));
    assertThat(check("acme", "submit", 3, policy).policies().get(0).remaining()).isEqualTo(2);
    RateLimitDecision denied = check("acme", "submit", 3, policy);
    assertThat(denied.allowed()).isFalse();
    assertThat(denied.policies().get(0).remaining()).isEqualTo(2);
    assertThat(denied.retryAfterSeconds()).isBetween(59L, 60L).isGreaterThanOrEqualTo(denied.policies().get(0).resetSeconds());
    assertThat(check("acme", "submit", 2, policy).allowed()).isTrue();
    assertThat(members(RedisSlidingWindowLimiter.key("acme", "submit", "units"))).isEqualTo(5);

    RatePolicy large = new RatePolicy("large", 1_200, Duration.ofMinutes(1));
    assertThat(check("acme", "bulk", 1_100, large).policies().get(0).remaining()).isEqualTo(100);
    assertThat(members(RedisSlidingWindowLimiter.key("acme", "bulk", "large"))).isEqualTo(1_100);
  }

  @Test
  void aCostAboveTheLimitIsDeniedWithoutConsuming() {
    RatePolicy policy = new RatePolicy("units", 5, Duration.ofSeconds(10));
    RateLimitDecision denied = check("acme", "submit", 6, policy);
    assertThat(denied.allowed()).isFalse();
    assertThat(denied.retryAfterSeconds()).isEqualTo(10);
    assertThat(denied.policies().get(0).remaining()).isEqualTo(5);
    assertThat(server.command("EXISTS " + RedisSlidingWindowLimiter.key("acme", "submit", "units"))).isEqualTo(":0");
  }

  @Test
  void aDenialNamesWhenTheRequestWouldFit() {
    RatePolicy policy = new RatePolicy("burst", 2, Duration.ofSeconds(10));
    assertThat(allowedOf(2, "submit", policy)).isEqualTo(2);
    RateLimitDecision denied = check("acme", "submit", 1, policy);
    long reset = denied.policies().get(0).resetSeconds();
    assertThat(reset).isBetween(9L, 10L);
    assertThat(denied.retryAfterSeconds()).isBetween(reset, 10L);
    RateLimitDecision twoUnits = check("acme", "submit", 2, policy);
    assertThat(twoUnits.retryAfterSeconds()).isBetween(twoUnits.policies().get(0).resetSeconds(), 10L);
  }
}
