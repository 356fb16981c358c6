package dev.wfgateway.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wfgateway.common.Addresses;
import dev.wfgateway.testkit.Await;
import dev.wfgateway.testkit.RedisFixture;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The same HTTP path with REDIS_URL set: Lua limiter, run records, locks and the DLQ stream in Redis. */
class RedisPathTest {
  @TempDir
  static Path dataDir;
  @RegisterExtension
  static final RedisFixture redis = RedisFixture.perClass();
  private static RunningPlatform node;

  @BeforeAll
  static void start() {
    redis.flush();
    node = RunningPlatform.started(dataDir, Map.of("REDIS_URL", redis.url()), null);
  }

  @AfterAll
  static void stop() throws Exception {
    node.close();
  }

  @Test
  void runsUseTheRedisLimiterAndStoreTheirRecordsInRedis() {
    HttpResponse<Buffer> response = node.submit(DemoContent.HELLO, new JsonObject().put("name", "Ada"));

    assertThat(response.statusCode()).isEqualTo(200);
    String runId = response.bodyAsJsonObject().getString("runId");
    assertThat(redis.command("EXISTS rl:{demo}:submit:burst")).isEqualTo(":1");
    assertThat(redis.command("EXISTS rl:{demo}:submit:sustained")).isEqualTo(":1");
    assertThat(redis.command("EXISTS run:{demo}:" + runId)).isEqualTo(":1");
    JsonObject decision = Await.result(node.vertx.eventBus().<JsonObject>request(Addresses.RATELIMIT_CHECK,
        new JsonObject().put("tenant", "demo").put("route", "read"))).body();
    assertThat(decision.getString("mode")).isEqualTo("redis");
  }

  @Test
  void aFailedRunLandsInTheTenantsStream() {
    HttpResponse<Buffer> response = node.submit(DemoContent.FLAKY, new JsonObject().put("orderId", "r-1"));

    assertThat(response.statusCode()).isEqualTo(502);
    String dlqId = response.bodyAsJsonObject().getString("dlqId");
    assertThat(redis.command("EXISTS fence:{demo}:r-1")).isEqualTo(":1");
    assertThat(redis.command("EXISTS lock:{demo}:r-1")).as("released").isEqualTo(":0");
    HttpResponse<Buffer> entry = Await.result(node.tenant(HttpMethod.GET, "/v1/dlq/" + dlqId).send());
    assertThat(entry.statusCode()).isEqualTo(200);
    assertThat(entry.bodyAsJsonObject().getString("reason")).isEqualTo("step_failed");
    assertThat(Long.parseLong(redis.command("XLEN dlq:{demo}").substring(1))).isGreaterThanOrEqualTo(1);
  }
}
