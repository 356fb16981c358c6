package dev.wfgateway.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wfgateway.testkit.Await;
import dev.wfgateway.testkit.TestVertx;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Idempotency-Key through HTTP against a downstream that counts its calls. */
class IdempotencyHttpTest {
  @TempDir
  static Path dir;
  private static Vertx downstreamVertx;
  private static final AtomicInteger calls = new AtomicInteger();
  private static final AtomicReference<Promise<Void>> gate = new AtomicReference<>();
  private static RunningPlatform node;
  /** The breaker of the guarded workflows: two failed calls open it for a minute. */
  private static final String GUARD = "charge-guard";

  @BeforeAll
  static void start() throws Exception {
    downstreamVertx = TestVertx.create();
    HttpServer downstream = Await.result(downstreamVertx.createHttpServer().requestHandler(req -> {
      calls.incrementAndGet();
      Promise<Void> g = gate.get();
      Future<Void> open = g == null ? Future.succeededFuture() : g.future();
      open.onComplete(v -> req.response().putHeader("content-type", "application/json")
          .setStatusCode(req.path().endsWith("/fail") ? 500 : 200).end("{\"charged\":true}"));
    }).listen(0, "127.0.0.1"));
    String base = "http://127.0.0.1:" + downstream.actualPort();
    Path conf = ConfiguredPlatform.write(dir, String.join("\n",
        "  charge:",
        "    steps: [ { name: charge, retry: none, http: { url: \"" + base + "/charge\" } } ]",
        "  failing:",
        "    steps: [ { name: charge, retry: none, http: { url: \"" + base + "/fail\" } } ]",
        "  guarded-charge:",
        "    steps: [ { name: charge, retry: none, circuitBreaker: " + GUARD + ", http: { url: \"" + base
            + "/charge\" } } ]",
        "  guarded-failing:",
        "    steps: [ { name: charge, retry: none, circuitBreaker: " + GUARD + ", http: { url: \"" + base
            + "/fail\" } } ]",
        "circuitBreakers:",
        "  " + GUARD + ": { failureRateThreshold: 0.5, minimumCalls: 2, window: 60s, openFor: 60s, halfOpenCalls: 1 }"));
    node = RunningPlatform.started(dir, Map.of(), conf.toString());
  }

  @AfterAll
  static void stop() throws Exception {
    node.close();
    TestVertx.close(downstreamVertx);
  }

  @BeforeEach
  void reset() {
    calls.set(0);
    gate.set(null);
  }

  private Future<HttpResponse<Buffer>> send(String workflow, String key, String body) {
    return node.request(HttpMethod.POST, "/v1/workflows/" + workflow + "/runs")
        .putHeader("Authorization", "Bearer " + ConfiguredPlatform.ACME_KEY)
        .putHeader("Content-Type", "application/json").putHeader("Idempotency-Key", key)
        .sendBuffer(Buffer.buffer(body));
  }

  @Test
  void sameKeyAndBodyExecutesOnceAndReplaysByteForByte() {
    HttpResponse<Buffer> first = Await.result(send("charge", "k-1", "{\"input\":{\"amount\":5,\"currency\":\"EUR\"}}"));
    HttpResponse<Buffer> second = Await.result(send("charge", "k-1", "{\"input\":{\"currency\":\"EUR\",\"amount\":5}}"));

    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(first.getHeader("Idempotent-Replayed")).isNull();
    assertThat(second.statusCode()).isEqualTo(200);
    assertThat(second.getHeader("Idempotent-Replayed")).isEqualTo("true");
    assertThat(second.bodyAsString()).isEqualTo(first.bodyAsString());
    assertThat(calls.get()).isEqualTo(1);
  }

  @Test
  void aFailedRunIsReplayedAsTheSameProblem() {
    HttpResponse<Buffer> first = Await.result(send("failing", "k-2", "{\"input\":{}}"));
    HttpResponse<Buffer> second = Await.result(send("failing", "k-2", "{\"input\":{}}"));

    assertThat(first.statusCode()).isEqualTo(502);
    assertThat(second.statusCode()).isEqualTo(502);
    assertThat(second.getHeader("Idempotent-Replayed")).isEqualTo("true");
    assertThat(second.getHeader("Content-Type")).isEqualTo("application/problem+json");
    assertThat(second.bodyAsString()).isEqualTo(first.bodyAsString());
    assertThat(calls.get()).isEqualTo(1);
  }

  private HttpResponse<Buffer> admin(HttpMethod method, String path) {
    return Await.result(node.request(method, path)
        .putHeader("Authorization", "Bearer " + ConfiguredPlatform.ADMIN_TOKEN).send());
  }

  private String guardState() {
    return admin(HttpMethod.GET, "/admin/circuit-breakers").bodyAsJsonObject().getJsonArray("breakers").stream()
        .map(JsonObject.class::cast)
        .filter(b -> GUARD.equals(b.getString("name")) && "acme".equals(b.getString("tenant")))
        .map(b -> b.getString("state")).findFirst().orElse("none");
  }

  @Test
  void aRunAnOpenBreakerRefusedBeforeAnyCallIsNotStoredAndTheKeyRunsAfterTheReset() {
    for (int i = 0; i < 2; i++) {
      assertThat(Await.result(send("guarded-failing", "trip-" + i, "{\"input\":{}}")).statusCode()).isEqualTo(502);
    }
    assertThat(guardState()).isEqualTo("open");
    int callsWhenOpened = calls.get();

    HttpResponse<Buffer> refused = Await.result(send("guarded-charge", "k-6", "{\"input\":{\"amount\":6}}"));
    assertThat(refused.statusCode()).isEqualTo(502);
    assertThat(refused.bodyAsJsonObject().getString("detail")).contains("is open");
    assertThat(calls.get()).as("the breaker refused before any call").isEqualTo(callsWhenOpened);

    HttpResponse<Buffer> reset = admin(HttpMethod.POST, "/admin/circuit-breakers/" + GUARD + "/reset?tenant=acme");
    assertThat(reset.statusCode()).isEqualTo(200);
    assertThat(reset.bodyAsJsonObject().getJsonArray("tenants").getList()).containsExactly("acme");
    Await.until("the breaker closed", Duration.ofSeconds(5), () -> "closed".equals(guardState()));
    HttpResponse<Buffer> again = Await.result(send("guarded-charge", "k-6", "{\"input\":{\"amount\":6}}"));

    assertThat(again.statusCode()).isEqualTo(200);
    assertThat(again.getHeader("Idempotent-Replayed")).isNull();
    assertThat(calls.get()).as("the same key ran for real").isEqualTo(callsWhenOpened + 1);
  }

  @Test
  void sameKeyWhileRunningIs409AndADifferentBodyIs422() {
    gate.set(Promise.promise());
    Future<HttpResponse<Buffer>> running = send("charge", "k-3", "{\"input\":{\"amount\":1}}");
    Await.until("the first run reached the downstream", Duration.ofSeconds(5), () -> calls.get() == 1);

    HttpResponse<Buffer> conflict = Await.result(send("charge", "k-3", "{\"input\":{\"amount\":1}}"));
    HttpResponse<Buffer> mismatch = Await.result(send("charge", "k-3", "{\"input\":{\"amount\":2}}"));
    downstreamVertx.runOnContext(v -> gate.get().complete());

    assertThat(conflict.statusCode()).isEqualTo(409);
    assertThat(conflict.getHeader("Retry-After")).isEqualTo("1");
    assertThat(conflict.bodyAsJsonObject().getString("type")).endsWith("/idempotency-in-progress");
    assertThat(mismatch.statusCode()).isEqualTo(422);
    assertThat(mismatch.bodyAsJsonObject().getString("type")).endsWith("/idempotency-key-reused");
    assertThat(Await.result(running).statusCode()).isEqualTo(200);
    assertThat(calls.get()).isEqualTo(1);
  }

  @Test
  void afterTheRetentionTheSameKeyRunsAgain() {
    assertThat(Await.result(send("charge", "k-4", "{\"input\":{}}")).statusCode()).isEqualTo(200);
    Await.until("the stored response expired", Duration.ofSeconds(10),
        () -> Await.result(send("charge", "k-4", "{\"input\":{}}")).getHeader("Idempotent-Replayed") == null);
    assertThat(calls.get()).isEqualTo(2);
  }

  @Test
  void concurrentRequestsWithOneKeyExecuteExactlyOnce() {
    List<Future<HttpResponse<Buffer>>> requests = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      requests.add(send("charge", "k-5", "{\"input\":{\"n\":1}}"));
    }
    List<Integer> statuses = new ArrayList<>();
    for (Future<HttpResponse<Buffer>> request : requests) {
      statuses.add(Await.result(request).statusCode());
    }
    assertThat(calls.get()).isEqualTo(1);
    assertThat(statuses).containsOnly(200, 409).contains(200);
  }

  @Test
  void anInvalidKeyIs400() {
    for (String key : new String[] {"", "x".repeat(256), "tab\there"}) {
      HttpResponse<Buffer> response = Await.result(send("charge", key, "{\"input\":{}}"));
      assertThat(response.statusCode()).as("key '%s'", key).isEqualTo(400);
      assertThat(response.bodyAsJsonObject().getString("type")).endsWith("/invalid-idempotency-key");
    }
    assertThat(calls.get()).isZero();
  }
}
