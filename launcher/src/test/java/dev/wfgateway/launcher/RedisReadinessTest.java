package dev.wfgateway.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.wfgateway.testkit.Await;
import dev.wfgateway.testkit.RedisFixture;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Readiness tells the truth on the Redis backend: DOWN while the node's run store does not answer
 * (runs would get 503), UP again by itself once it does, without a restart.
 */
class RedisReadinessTest {
  private static final Duration WITHIN = Duration.ofSeconds(10);
  @RegisterExtension
  static final RedisFixture redis = RedisFixture.perClass();
  @TempDir
  Path dataDir;

  private static HttpResponse<Buffer> ready(RunningPlatform node) {
    return Await.result(node.request(HttpMethod.GET, "/health/ready").send());
  }

  private static JsonObject workflowCheck(HttpResponse<Buffer> ready) {
    JsonArray checks = ready.bodyAsJsonObject().getJsonArray("checks");
    return checks.stream().map(JsonObject.class::cast).filter(c -> "workflow".equals(c.getString("id")))
        .findFirst().orElseThrow();
  }

  @Test
  void readyIsDownWhileTheRunStoreIsAwayAndUpWhenItIsBack() throws Exception {
    assumeTrue(redis.controllable(), "needs a Redis server the test can stop");
    try (RunningPlatform node = new RunningPlatform(dataDir, Map.of("REDIS_URL", redis.url()), null)) {
      Await.until("ready", WITHIN, () -> ready(node).statusCode() == 200);
      assertThat(workflowCheck(ready(node)).getJsonObject("data").getString("store")).isEqualTo("up");

      redis.stopServer();
      Await.until("not ready", WITHIN, () -> ready(node).statusCode() == 503);
      JsonObject check = workflowCheck(ready(node));
      assertThat(check.getString("status")).isEqualTo("DOWN");
      assertThat(check.getJsonObject("data").getJsonArray("unreachableTenants").getList()).containsExactly("demo");
      assertThat(node.submit(DemoContent.HELLO, new JsonObject()).statusCode()).isEqualTo(503);

      redis.startServer();
      Await.until("ready again", WITHIN, () -> ready(node).statusCode() == 200);
      assertThat(node.submit(DemoContent.HELLO, new JsonObject()).statusCode()).isEqualTo(200);
    }
  }
}
