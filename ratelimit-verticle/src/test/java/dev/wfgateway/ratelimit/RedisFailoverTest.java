package dev.wfgateway.ratelimit;

import static dev.wfgateway.ratelimit.PlatformConfigJson.policy;
import static dev.wfgateway.ratelimit.PlatformConfigJson.rateLimits;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.wfgateway.common.NodeStatus;
import dev.wfgateway.common.messages.RateLimitDecision;
import dev.wfgateway.common.resilience.DependencyBreaker;
import dev.wfgateway.testkit.Eventually;
import dev.wfgateway.testkit.RedisFixture;
import dev.wfgateway.testkit.TestVertx;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Redis stops and comes back while the verticle serves: it answers throughout, asks Redis once
 * per outage (the Vert.x circuit breaker then fails fast to the local windows), and returns to
 * Redis by itself.
 */
@ExtendWith(VertxExtension.class)
class RedisFailoverTest {
  private static final JsonObject LIMITS = rateLimits("submit", policy("burst", 5, "1m"));

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private RedisFixture server;
  private Vertx vertx;

  @BeforeEach
  void setUp() {
    server = RedisFixture.start();
    assumeTrue(server.controllable(), "needs a Redis the test may stop");
    vertx = TestVertx.create();
  }

  @AfterEach
  void tearDown() throws Exception {
    if (vertx != null) {
      TestVertx.close(vertx);
    }
    server.close();
  }

  /** The default command timeout: the point is that an outage costs no more than that, once. */
  private Future<String> deploy() {
    JsonObject config = PlatformConfigJson.redis(LIMITS, new JsonObject().put("url", server.url()));
    return vertx.deployVerticle(() -> new RateLimitVerticle(registry), new DeploymentOptions().setConfig(config));
  }

  private Object mode() {
    return vertx.sharedData().getLocalMap(NodeStatus.MAP).get(NodeStatus.RATELIMIT_MODE);
  }

  /** {@code count} checks of acme's submit route, one after the other. */
  private Future<List<RateLimitDecision>> checks(int count) {
    List<RateLimitDecision> decisions = new ArrayList<>();
    Future<Void> chain = Future.succeededFuture();
    for (int i = 0; i < count; i++) {
      chain = chain.compose(v -> EventBusChecks.send(vertx, "acme", "submit", 1)).map(decisions::add).mapEmpty();
    }
    return chain.map(decisions);
  }

  private long redisCalls() {
    return registry.get(RateLimitMetrics.SCRIPT).timer().count();
  }

  private double breakerState() {
    return registry.get(DependencyBreaker.STATE).tag("dependency", FailoverLimiter.DEPENDENCY).gauge().value();
  }

  private double transitionsTo(String state) {
    var counter = registry.find(DependencyBreaker.TRANSITIONS).tag("state", state).counter();
    return counter == null ? 0 : counter.count();
  }

  /** Runs a blocking fixture action (stopping or starting the server) off the event loop. */
  private Future<Void> onWorker(Callable<Void> action) {
    return vertx.executeBlocking(action);
  }

  private Future<Void> backOnRedis() {
    return Eventually.holds(vertx, "the limiter to return to Redis", Duration.ofSeconds(10), () -> "redis".equals(mode()));
  }

  @Test
  void answersWithinLocalLimitsDuringAnOutageAndReturnsToRedis(VertxTestContext test) {
    deploy()
        .compose(id -> checks(2))
        .compose(before -> {
          test.verify(() -> {
            assertThat(before).extracting(RateLimitDecision::mode).containsOnly("redis");
            assertThat(redisCalls()).isEqualTo(2);
            assertThat(breakerState()).as("closed").isZero();
          });
          return onWorker(() -> {
            server.stopServer();
            return null;
          });
        })
        .compose(stopped -> checks(8))
        .compose(during -> {
          test.verify(() -> {
            assertThat(during).extracting(RateLimitDecision::mode).containsOnly("local");
            assertThat(during.stream().filter(RateLimitDecision::allowed).count())
                .as("the local window of this only node enforces the whole limit").isEqualTo(5);
            assertThat(redisCalls()).as("one call found Redis gone; the other 7 never tried it").isEqualTo(3);
            assertThat(transitionsTo("open")).isEqualTo(1);
            assertThat(breakerState()).as("open or half-open, never closed").isPositive();
            assertThat(mode()).isEqualTo("local");
            assertThat(registry.get(RateLimitMetrics.MODE).gauge().value()).isZero();
          });
          return onWorker(() -> {
            server.startServer();
            return null;
          });
        })
        .compose(started -> backOnRedis())
        .compose(back -> checks(1))
        .onComplete(test.succeeding(after -> test.verify(() -> {
          assertThat(after.get(0).mode()).isEqualTo("redis");
          assertThat(after.get(0).allowed()).as("the restarted server starts with empty windows").isTrue();
          assertThat(registry.get(RateLimitMetrics.MODE).gauge().value()).isEqualTo(1.0);
          assertThat(breakerState()).as("closed").isZero();
          assertThat(transitionsTo("half_open")).as("probes while Redis was away").isGreaterThanOrEqualTo(1);
          assertThat(transitionsTo("closed")).isEqualTo(1);
          test.completeNow();
        })));
  }

  @Test
  void startsLocallyWhenRedisIsDownAndSwitchesWhenItComesUp(VertxTestContext test) {
    server.stopServer();
    deploy()
        .compose(id -> {
          test.verify(() -> assertThat(mode()).isEqualTo("local"));
          return checks(1);
        })
        .compose(down -> {
          test.verify(() -> {
            assertThat(down.get(0).mode()).isEqualTo("local");
            assertThat(redisCalls()).as("decided locally without asking Redis").isZero();
          });
          return onWorker(() -> {
            server.startServer();
            return null;
          });
        })
        .compose(started -> backOnRedis())
        .compose(up -> checks(1))
        .onComplete(test.succeeding(up -> test.verify(() -> {
          assertThat(up.get(0).mode()).isEqualTo("redis");
          test.completeNow();
        })));
  }
}
