package dev.wfgateway.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wfgateway.common.config.Sha256;
import dev.wfgateway.testkit.Await;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A clean stop loses nothing: a run still in progress when the grace ends is in the DLQ after a restart. */
class ShutdownTest {
  private static final String KEY = "shutdown-key";
  @TempDir
  Path dir;

  private RunningPlatform start(Path conf) {
    return new RunningPlatform(dir, Map.of(), conf.toString());
  }

  @Test
  void aRunInProgressAtShutdownIsDeadLetteredAndFoundAfterRestart() throws Exception {
    Path conf = dir.resolve("platform.yaml");
    Files.writeString(conf, String.join("\n",
        "runs: { shutdownGrace: 300ms }",
        "tenants:",
        "  acme: { keys: [ { id: k1, sha256: \"" + Sha256.hex(KEY) + "\" } ] }",
        "workflows:",
        "  hang:",
        "    timeout: 60s",
        "    steps: [ { name: wait, retry: none, eventbus: { address: test.never, timeout: 30s } } ]",
        ""));
    AtomicInteger entered = new AtomicInteger();
    RunningPlatform first = start(conf);
    first.vertx.eventBus().consumer("test.never", m -> entered.incrementAndGet());

    HttpResponse<Buffer> accepted = Await.result(first.request(HttpMethod.POST, "/v1/workflows/hang/runs")
        .putHeader("Authorization", "Bearer " + KEY).putHeader("Prefer", "respond-async").send());
    assertThat(accepted.statusCode()).isEqualTo(202);
    String runId = accepted.bodyAsJsonObject().getString("runId");
    Await.until("the run reached its step", Duration.ofSeconds(5), () -> entered.get() == 1);
    first.close();

    try (RunningPlatform second = start(conf)) {
      JsonObject page = Await.result(second.request(HttpMethod.GET, "/v1/dlq")
          .putHeader("Authorization", "Bearer " + KEY).send()).bodyAsJsonObject();
      assertThat(page.getJsonArray("entries")).hasSize(1);
      JsonObject entry = page.getJsonArray("entries").getJsonObject(0);
      assertThat(entry.getString("runId")).isEqualTo(runId);
      assertThat(entry.getString("reason")).isEqualTo("rejected");
      assertThat(entry.getJsonObject("error").getString("type")).isEqualTo("shutdown");
      assertThat(entry.getJsonObject("error").getString("step")).isEqualTo("wait");
    }
  }
}
