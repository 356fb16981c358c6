package dev.wfgateway.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wfgateway.common.config.RatePolicy;
import dev.wfgateway.common.config.RedisConfig;
import dev.wfgateway.common.messages.RateLimitDecision;
import dev.wfgateway.common.messages.RateLimitRequest;
import dev.wfgateway.common.redis.RedisClients;
import dev.wfgateway.testkit.Eventually;
import dev.wfgateway.testkit.RedisFixture;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxTestContext;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.redis.client.impl.ZModem;
import java.time.Duration;
import java.util.List;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The Lua sliding window against a real Redis: the contract, plus its keys, its script and its clock. */
class RedisSlidingWindowLimiterTest extends SlidingWindowLimiterContract {
  @RegisterExtension
  static final RedisFixture server = RedisFixture.perClass();

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private Redis redis;

  @BeforeEach
  void emptyServer() {
    server.flush();
  }

  @Override
  SlidingWindowLimiter create(Vertx vertx, LongSupplier clockMillis) {
    // generous: these tests are about the window's arithmetic, not about a slow first call on a cold JVM
    redis = RedisClients.create(vertx, RedisConfig.standalone(server.url(), Duration.ofSeconds(5), 4));
    return new RedisSlidingWindowLimiter(redis, Duration.ofSeconds(5), registry.timer("script"), clockMillis);
  }

  @Override
  String mode() {
    return RateLimitDecision.MODE_REDIS;
  }

  @Override
  Future<Void> release() {
    return redis.close();
  }

  private long members(String key) {
    return Long.parseLong(server.command("ZCARD " + key).substring(1));
  }

  @Test
  void storesOneMemberPerConsumedUnitAndTimesEveryCall(VertxTestContext test) {
    RatePolicy burst = new RatePolicy("burst", 5, Duration.ofMinutes(1));
    RatePolicy sustained = new RatePolicy("sustained", 8, Duration.ofMinutes(5));
    RatePolicy large = new RatePolicy("large", 1_200, Duration.ofMinutes(1));
    allowedOf(7, burst, sustained)
        .compose(allowed -> check("acme", "bulk", 1_100, large))
        .onComplete(test.succeeding(bulk -> test.verify(() -> {
          assertThat(members(RedisSlidingWindowLimiter.key("acme", "submit", "burst"))).isEqualTo(5);
          assertThat(members(RedisSlidingWindowLimiter.key("acme", "submit", "sustained")))
              .as("denials add nothing").isEqualTo(5);
          assertThat(bulk.policies().get(0).remaining()).isEqualTo(100);
          assertThat(members(RedisSlidingWindowLimiter.key("acme", "bulk", "large")))
              .as("more units than one ZADD batch").isEqualTo(1_100);
          assertThat(registry.timer("script").count()).isEqualTo(8);
          test.completeNow();
        })));
  }

  @Test
  void keysAreHashTaggedByTenantAndExpireWithTheirWindow(VertxTestContext test) {
    check(1, new RatePolicy("burst", 5, Duration.ofMillis(500)), new RatePolicy("sustained", 100, Duration.ofMinutes(15)))
        .compose(v -> redis.send(Request.cmd(Command.KEYS).arg("*")))
        .compose(keys -> {
          test.verify(() -> {
            assertThat(keys.stream().map(Response::toString))
                .containsExactlyInAnyOrder("rl:{acme}:submit:burst", "rl:{acme}:submit:sustained");
            // the Redis Cluster slot the client computes: one per tenant, whatever the route and policy
            assertThat(ZModem.generate("rl:{acme}:submit:burst")).isEqualTo(ZModem.generate("rl:{acme}:read:reads"))
                .isEqualTo(ZModem.generate("acme"));
            assertThat(Long.parseLong(server.command("PTTL rl:{acme}:submit:burst").substring(1)))
                .as("the TTL is the window").isBetween(1L, 500L);
            assertThat(Long.parseLong(server.command("PTTL rl:{acme}:submit:sustained").substring(1)))
                .isBetween(890_000L, 900_000L);
          });
          return Eventually.answers(vertx, "the idle burst window to expire", Duration.ofSeconds(5),
              () -> redis.send(Request.cmd(Command.EXISTS).arg("rl:{acme}:submit:burst")).map(n -> n.toInteger() == 0));
        })
        .onComplete(test.succeedingThenComplete());
  }

  @Test
  void recoversWhenTheServerForgotTheScript(VertxTestContext test) {
    RatePolicy policy = new RatePolicy("burst", 5, Duration.ofMinutes(1));
    check(1, policy)
        .compose(first -> {
          test.verify(() -> {
            assertThat(first.policies().get(0).remaining()).isEqualTo(4);
            assertThat(server.command("SCRIPT FLUSH")).isEqualTo("+OK");
          });
          return check(1, policy);
        })
        .compose(reloaded -> {
          test.verify(() -> assertThat(reloaded.policies().get(0).remaining()).isEqualTo(3));
          return check(1, policy);
        })
        .onComplete(test.succeeding(again -> test.verify(() -> {
          assertThat(again.policies().get(0).remaining()).isEqualTo(2);
          test.completeNow();
        })));
  }

  /** In production the windows run on the server's clock: a unit consumed now frees after the window. */
  @Test
  void withoutAClockTheServerTimeDecides(VertxTestContext test) {
    SlidingWindowLimiter serverTime = new RedisSlidingWindowLimiter(redis, Duration.ofSeconds(5), registry.timer("script"));
    RatePolicy policy = new RatePolicy("burst", 1, Duration.ofSeconds(1));
    Request latest = Request.cmd(Command.ZRANGE).arg(RedisSlidingWindowLimiter.key("acme", "submit", "burst"))
        .arg(0).arg(0).arg("WITHSCORES");
    serverTime.check(new RateLimitRequest("acme", "submit", 1), List.of(policy))
        .compose(first -> {
          test.verify(() -> assertThat(first.allowed()).isTrue());
          return Future.all(redis.send(latest), redis.send(Request.cmd(Command.TIME)));
        })
        .compose(both -> {
          Response member = both.<Response>resultAt(0);
          Response time = both.<Response>resultAt(1);
          long scoreMillis = member.get(0).get(1).toLong(); // RESP3: [[member, score]]
          long serverMillis = time.get(0).toLong() * 1000 + time.get(1).toLong() / 1000;
          test.verify(() -> assertThat(serverMillis - scoreMillis).as("scored on the server's clock, just now")
              .isBetween(0L, 5_000L));
          return serverTime.check(new RateLimitRequest("acme", "submit", 1),
              List.of(policy));
        })
        .onComplete(test.succeeding(second -> test.verify(() -> {
          assertThat(second.allowed()).isFalse();
          assertThat(second.retryAfterSeconds()).isEqualTo(1);
          test.completeNow();
        })));
  }
}
