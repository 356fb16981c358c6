package dev.wfgateway.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wfgateway.common.config.Sha256;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** A clean stop loses nothing: a run still in progress when the grace ends is in the DLQ after a restart. */
@ExtendWith(VertxExtension.class)
class ShutdownTest {
  private static final String KEY = "shutdown-key";
  @TempDir
  Path dir;
  private final List<RunningPlatform> nodes = new CopyOnWriteArrayList<>();

  @AfterEach
  void closeNodes() throws Exception {
    for (RunningPlatform node : nodes) {
      node.close();
    }
  }

  private Future<RunningPlatform> start(Path conf) {
    return RunningPlatform.start(dir, Map.of(), conf.toString()).onSuccess(nodes::add);
  }

  private static Future<HttpResponse<Buffer>> get(RunningPlatform node, String path) {
    return node.request(HttpMethod.GET, path).putHeader("Authorization", "Bearer " + KEY).send();
  }

  @Test
  void aRunInProgressAtShutdownIsDeadLetteredAndFoundAfterRestart(VertxTestContext context) throws Exception {
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
    Promise<Void> reachedItsStep = Promise.promise();
    String[] runId = {null};
    start(conf)
        .compose(first -> {
          first.vertx.eventBus().consumer("test.never", never -> reachedItsStep.tryComplete());
          return first.request(HttpMethod.POST, "/v1/workflows/hang/runs").putHeader("Authorization", "Bearer " + KEY)
              .putHeader("Prefer", "respond-async").send()
              .compose(accepted -> {
                context.verify(() -> assertThat(accepted.statusCode()).isEqualTo(202));
                runId[0] = accepted.bodyAsJsonObject().getString("runId");
                return reachedItsStep.future();
              })
              // The node stops as on SIGTERM; its Vert.x, which this chain runs on, is closed after the test.
              .compose(inside -> first.platform.stop());
        })
        // A restart in one JVM: the second node's Vert.x is made on the first one's event loop, which Vert.x
        // remarks on ("already on a Vert.x context").
        .compose(stopped -> start(conf))
        .compose(second -> get(second, "/v1/dlq"))
        .onComplete(context.succeeding(dlq -> context.verify(() -> {
          JsonObject page = dlq.bodyAsJsonObject();
          assertThat(page.getJsonArray("entries")).hasSize(1);
          JsonObject entry = page.getJsonArray("entries").getJsonObject(0);
          assertThat(entry.getString("runId")).isEqualTo(runId[0]);
          assertThat(entry.getString("reason")).isEqualTo("rejected");
          assertThat(entry.getJsonObject("error").getString("type")).isEqualTo("shutdown");
          assertThat(entry.getJsonObject("error").getString("step")).isEqualTo("wait");
          context.completeNow();
        })));
  }
}
