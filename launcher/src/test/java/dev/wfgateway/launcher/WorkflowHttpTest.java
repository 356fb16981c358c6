package dev.wfgateway.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wfgateway.common.config.Sha256;
import dev.wfgateway.testkit.Await;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Workflow admission through HTTP: schema, tenant scope, bulkhead. */
class WorkflowHttpTest {
  private static final String SHOP_KEY = "shop-key";
  private static final String BANK_KEY = "bank-key";
  @TempDir
  static Path dir;
  private static RunningPlatform node;
  private static final AtomicInteger inside = new AtomicInteger();
  private static final AtomicReference<Promise<Void>> gate = new AtomicReference<>(Promise.promise());

  @BeforeAll
  static void start() throws Exception {
    Path conf = dir.resolve("platform.yaml");
    Files.writeString(conf, String.join("\n",
        "tenants:",
        "  shop:",
        "    keys: [ { id: s1, sha256: \"" + Sha256.hex(SHOP_KEY) + "\" } ]",
        "    bulkhead: { maxConcurrent: 2, maxQueued: 2 }",
        "    workflows: [order, slow]",
        "  bank:",
        "    keys: [ { id: b1, sha256: \"" + Sha256.hex(BANK_KEY) + "\" } ]",
        "workflows:",
        "  order:",
        "    inputSchema: { type: object, required: [orderId], properties: { orderId: { type: string }, "
            + "qty: { type: integer, minimum: 1 } } }",
        "    steps: [ { name: place, retry: none, eventbus: { address: test.place } } ]",
        "  slow:",
        "    steps: [ { name: wait, retry: none, eventbus: { address: test.slow } } ]",
        "  audit:",
        "    steps: [ { name: log, retry: none, eventbus: { address: test.place } } ]",
        ""));
    node = RunningPlatform.started(dir, Map.of(), conf.toString());
    node.vertx.eventBus().<JsonObject>consumer("test.place", m -> m.reply(new JsonObject().put("placed", true)));
    node.vertx.eventBus().<JsonObject>consumer("test.slow", m -> {
      inside.incrementAndGet();
      gate.get().future().onComplete(v -> m.reply(new JsonObject()));
    });
  }

  @AfterAll
  static void stop() throws Exception {
    node.close();
  }

  private Future<HttpResponse<Buffer>> submit(String key, String workflow, String body) {
    return runRequest(key, workflow).sendBuffer(Buffer.buffer(body));
  }

  private HttpRequest<Buffer> runRequest(String key, String workflow) {
    return node.request(HttpMethod.POST, "/v1/workflows/" + workflow + "/runs")
        .putHeader("Authorization", "Bearer " + key).putHeader("Content-Type", "application/json");
  }

  @Test
  void inputFailingTheSchemaIs400WithTheFailingPointers() {
    HttpResponse<Buffer> response = Await.result(submit(SHOP_KEY, "order", "{\"input\":{\"orderId\":7,\"qty\":0}}"));

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.getHeader("Content-Type")).isEqualTo("application/problem+json");
    JsonObject problem = response.bodyAsJsonObject();
    assertThat(problem.getString("type")).endsWith("/validation-failed");
    assertThat(problem.getJsonArray("errors").stream().map(e -> ((JsonObject) e).getString("pointer")))
        .contains("/input/orderId", "/input/qty");
    assertThat(Await.result(submit(SHOP_KEY, "order", "{\"input\":{\"orderId\":\"o-1\",\"qty\":2}}")).statusCode())
        .isEqualTo(200);
  }

  @Test
  void aWorkflowTheTenantMayNotRunIsNotFound() {
    HttpResponse<Buffer> response = Await.result(submit(SHOP_KEY, "audit", "{\"input\":{}}"));
    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(response.bodyAsJsonObject().getString("type")).endsWith("/not-found");
    assertThat(Await.result(submit(BANK_KEY, "audit", "{\"input\":{}}")).statusCode()).isEqualTo(200);
  }

  /** The 429 of a full bulkhead is not stored against its Idempotency-Key: the same key runs once there is room. */
  @Test
  void aFullBulkheadAnswers429AtOnceWhileOtherTenantsRunNormally() {
    List<Future<HttpResponse<Buffer>>> held = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      held.add(submit(SHOP_KEY, "slow", "{}"));
    }
    Await.until("two runs inside the step", Duration.ofSeconds(5), () -> inside.get() == 2);
    Await.until("two more queued", Duration.ofSeconds(5), () -> Await.result(node.request(HttpMethod.GET, "/metrics")
        .send()).bodyAsString().contains("platform_bulkhead_queued{tenant=\"shop\"} 2.0"));

    long start = System.nanoTime();
    HttpResponse<Buffer> rejected = Await.result(runRequest(SHOP_KEY, "slow").putHeader("Idempotency-Key", "full-1")
        .sendBuffer(Buffer.buffer("{}")));
    assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(1_000);
    assertThat(rejected.statusCode()).isEqualTo(429);
    assertThat(rejected.getHeader("Retry-After")).isEqualTo("1");
    assertThat(rejected.bodyAsJsonObject().getString("type")).endsWith("/bulkhead-full");

    long otherStart = System.nanoTime();
    assertThat(Await.result(submit(BANK_KEY, "order", "{\"input\":{\"orderId\":\"b\"}}")).statusCode()).isEqualTo(200);
    assertThat((System.nanoTime() - otherStart) / 1_000_000).isLessThan(1_000);

    node.vertx.runOnContext(v -> gate.get().complete());
    for (Future<HttpResponse<Buffer>> run : held) {
      assertThat(Await.result(run).statusCode()).isEqualTo(200);
    }
    int callsBefore = inside.get();
    HttpResponse<Buffer> sameKey = Await.result(runRequest(SHOP_KEY, "slow").putHeader("Idempotency-Key", "full-1")
        .sendBuffer(Buffer.buffer("{}")));
    assertThat(sameKey.statusCode()).isEqualTo(200);
    assertThat(sameKey.getHeader("Idempotent-Replayed")).isNull();
    assertThat(inside.get()).as("the step was called").isEqualTo(callsBefore + 1);
  }
}
