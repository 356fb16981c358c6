package dev.wfgateway.ratelimit;

import dev.wfgateway.common.NodeStatus;
import static dev.wfgateway.ratelimit.EventBusChecks.check;
import static dev.wfgateway.ratelimit.PlatformConfigJson.policy;
import static dev.wfgateway.ratelimit.PlatformConfigJson.rateLimits;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.wfgateway.common.messages.RateLimitDecision;
import dev.wfgateway.testkit.Await;
import dev.wfgateway.testkit.RedisFixture;
import dev.wfgateway.testkit.TestVertx;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Redis stops and comes back while the verticle serves: it answers throughout and returns to Redis by itself. */
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

  /** The default command timeout (250 ms): the point is that an outage costs no more than that once. */
  private void deploy() {
    JsonObject config = PlatformConfigJson.redis(LIMITS, new JsonObject().put("url", server.url()));
    Await.result(vertx.deployVerticle(() -> new RateLimitVerticle(registry), new DeploymentOptions().setConfig(config)));
  }

  private Object mode() {
    return vertx.sharedData().getLocalMap(NodeStatus.MAP).get(NodeStatus.RATELIMIT_MODE);
  }

  @Test
  void answersWithinLocalLimitsDuringAnOutageAndReturnsToRedis() throws Exception {
    deploy();
    assertThat(check(vertx, "acme", "submit").mode()).isEqualTo("redis");
    assertThat(check(vertx, "acme", "submit").mode()).isEqualTo("redis");

    server.stopServer();
    int allowed = 0;
    for (int i = 0; i < 8; i++) {
      long start = System.nanoTime();
      RateLimitDecision decision = check(vertx, "acme", "submit");
      long millis = (System.nanoTime() - start) / 1_000_000;
      assertThat(decision.mode()).isEqualTo("local");
      if (i > 0) {
        assertThat(millis).as("answer %d after the switch", i).isLessThan(100);
      }
      allowed += decision.allowed() ? 1 : 0;
    }
    assertThat(allowed).as("the local window of this only node enforces the whole limit").isEqualTo(5);
    assertThat(mode()).isEqualTo("local");
    assertThat(registry.get(RateLimitMetrics.MODE).gauge().value()).isZero();

    server.startServer();
    Await.until("the limiter to return to Redis", Duration.ofSeconds(10), () -> "redis".equals(mode()));
    RateLimitDecision back = check(vertx, "acme", "submit");
    assertThat(back.mode()).isEqualTo("redis");
    assertThat(back.allowed()).as("the restarted server starts with empty windows").isTrue();
    assertThat(registry.get(RateLimitMetrics.MODE).gauge().value()).isEqualTo(1.0);
  }

  @Test
  void startsLocallyWhenRedisIsDownAndSwitchesWhenItComesUp() throws Exception {
    server.stopServer();
    deploy();
    assertThat(mode()).isEqualTo("local");
    assertThat(check(vertx, "acme", "submit").mode()).isEqualTo("local");

    server.startServer();
    Await.until("the limiter to find Redis", Duration.ofSeconds(10), () -> "redis".equals(mode()));
    assertThat(check(vertx, "acme", "submit").mode()).isEqualTo("redis");
  }
}
