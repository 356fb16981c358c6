package dev.wfgateway.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.wfgateway.testkit.Eventually;
import dev.wfgateway.testkit.RedisFixture;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Readiness tells the truth on the Redis backend: DOWN while the node's run store does not answer
 * (runs would get 503), UP again by itself once it does, without a restart.
 */
@ExtendWith(VertxExtension.class)
class RedisReadinessTest {
  private static final Duration WITHIN = Duration.ofSeconds(10);
  @RegisterExtension
  static final RedisFixture redis = RedisFixture.perClass();
  @TempDir
  Path dataDir;
  private RunningPlatform node;

  @BeforeEach
  void startTheNode(VertxTestContext context) {
    assumeTrue(redis.controllable(), "needs a Redis server the test can stop");
    RunningPlatform.start(dataDir, Map.of("REDIS_URL", redis.url()), null)
        .onComplete(context.succeeding(started -> {
          node = started;
          context.completeNow();
        }));
  }

  @AfterEach
  void stopTheNode() throws Exception {
    if (node != null) {
      node.close();
    }
  }

  /** Until {@code /health/ready} answers {@code status}; that answer. */
  private Future<HttpResponse<Buffer>> readiness(String what, int status) {
    return Eventually.until(node.vertx, what, WITHIN, () -> node.request(HttpMethod.GET, "/health/ready").send(),
        ready -> ready.statusCode() == status);
  }

  /** Stopping and starting the server waits for its process: work for a worker thread. */
  private Future<Void> onTheServer(Callable<Void> change) {
    return node.vertx.executeBlocking(change);
  }

  private static JsonObject workflowCheck(HttpResponse<Buffer> ready) {
    JsonArray checks = ready.bodyAsJsonObject().getJsonArray("checks");
    return checks.stream().map(JsonObject.class::cast).filter(c -> "workflow".equals(c.getString("id")))
        .findFirst().orElseThrow();
  }

  @Test
  @Timeout(value = 90, timeUnit = TimeUnit.SECONDS)
  void readyIsDownWhileTheRunStoreIsAwayAndUpWhenItIsBack(VertxTestContext context) {
    readiness("ready", 200)
        .compose(up -> {
          context.verify(() -> assertThat(workflowCheck(up).getJsonObject("data").getString("store")).isEqualTo("up"));
          return onTheServer(() -> {
            redis.stopServer();
            return null;
          });
        })
        .compose(stopped -> readiness("not ready", 503))
        .compose(down -> {
          context.verify(() -> {
            JsonObject check = workflowCheck(down);
            assertThat(check.getString("status")).isEqualTo("DOWN");
            assertThat(check.getJsonObject("data").getJsonArray("unreachableTenants").getList())
                .containsExactly("demo");
          });
          return node.sendRun(DemoContent.HELLO, new JsonObject());
        })
        .compose(refused -> {
          context.verify(() -> assertThat(refused.statusCode()).isEqualTo(503));
          return onTheServer(() -> {
            redis.startServer();
            return null;
          });
        })
        .compose(started -> readiness("ready again", 200))
        .compose(up -> node.sendRun(DemoContent.HELLO, new JsonObject()))
        .onComplete(context.succeeding(run -> context.verify(() -> {
          assertThat(run.statusCode()).isEqualTo(200);
          context.completeNow();
        })));
  }
}
