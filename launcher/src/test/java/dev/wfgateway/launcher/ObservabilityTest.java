package dev.wfgateway.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.wfgateway.testkit.Await;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Request ids and trace context end to end, the access log, readiness and the Prometheus families. */
class ObservabilityTest {
  private static final String ACME = ConfiguredPlatform.ACME_KEY;
  private static final String TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

  @RegisterExtension
  static final PerClass<EdgePlatform> edge = PerClass.of(EdgePlatform::new);



  private HttpResponse<Buffer> echo(Map<String, String> headers) {
    var request = edge.get().as(ACME, HttpMethod.POST, "/v1/workflows/" + EdgePlatform.ECHO + "/runs")
        .putHeader("Content-Type", "application/json");
    headers.forEach(request::putHeader);
    return Await.result(request.sendBuffer(Buffer.buffer("{\"input\":{\"amount\":7}}")));
  }

  private MultiMap stepHeadersOf(String requestId) {
    return edge.get().echoHeaders.stream().filter(h -> requestId.equals(h.get("x-request-id"))).findFirst()
        .orElseThrow(() -> new AssertionError("no step call carried request id " + requestId));
  }

  @Test
  void aStepSeesTheClientsTraceparentAndRequestId() {
    HttpResponse<Buffer> response = echo(Map.of("traceparent", TRACEPARENT, "X-Request-Id", "trace-me-1"));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.getHeader("X-Request-Id")).isEqualTo("trace-me-1");
    MultiMap step = stepHeadersOf("trace-me-1");
    assertThat(step.get("traceparent")).isEqualTo(TRACEPARENT);
    assertThat(step.get("x-run-id")).isEqualTo(response.bodyAsJsonObject().getString("runId"));
  }

  @Test
  void anInsaneRequestIdIsReplacedAndTheReplacementTravels() {
    HttpResponse<Buffer> response = echo(Map.of("X-Request-Id", "no spaces <or> markup allowed"));

    String generated = response.getHeader("X-Request-Id");
    assertThat(generated).matches("[0-9a-f-]{36}");
    assertThat(stepHeadersOf(generated).get("traceparent")).isNull();
  }

  @Test
  void everyResponseCarriesARequestId() {
    for (String path : List.of("/health/live", "/metrics", "/openapi.yaml", "/nowhere", "/v1/dlq")) {
      assertThat(edge.get().send(edge.get().request(HttpMethod.GET, path)).getHeader("X-Request-Id")).as(path).isNotBlank();
    }
  }

  @Test
  void eachRequestWritesOneJsonAccessLineWithoutTheKey() {
    Logger access = Logger.getLogger("platform.access");
    List<String> lines = new CopyOnWriteArrayList<>();
    Handler capture = new Handler() {
      @Override
      public void publish(LogRecord record) {
        lines.add(record.getMessage());
      }

      @Override
      public void flush() {
      }

      @Override
      public void close() {
      }
    };
    Level level = access.getLevel();
    access.setLevel(Level.INFO);
    access.setUseParentHandlers(false);
    access.addHandler(capture);
    try {
      echo(Map.of("X-Request-Id", "logged-1"));
      edge.get().send(edge.get().as(ACME, HttpMethod.GET, "/v1/runs/missing").putHeader("X-Request-Id", "logged-2"));
      edge.get().send(edge.get().as("wrong-key", HttpMethod.GET, "/v1/dlq").putHeader("X-Request-Id", "logged-3"));
      Await.until("three access lines", Duration.ofSeconds(5), () -> lines.stream()
          .filter(l -> l.contains("\"logged-")).count() == 3);
    } finally {
      access.removeHandler(capture);
      access.setUseParentHandlers(true);
      access.setLevel(level);
    }

    for (String line : lines) {
      assertThat(line).doesNotContain(ACME, "wrong-key", "Bearer", "Authorization");
      JsonObject json = new JsonObject(line);
      assertThat(json.fieldNames()).contains("ts", "requestId", "method", "path", "status", "durationMs");
    }
    JsonObject submitted = line(lines, "logged-1");
    assertThat(submitted.getString("method")).isEqualTo("POST");
    assertThat(submitted.getString("route")).isEqualTo("/v1/workflows/:workflow/runs");
    assertThat(submitted.getInteger("status")).isEqualTo(200);
    assertThat(submitted.getString("tenant")).isEqualTo("acme");
    assertThat(line(lines, "logged-2").getInteger("status")).isEqualTo(404);
    assertThat(line(lines, "logged-3").getInteger("status")).isEqualTo(401);
    assertThat(line(lines, "logged-3").containsKey("tenant")).isFalse();
  }

  private static JsonObject line(List<String> lines, String requestId) {
    List<JsonObject> matching = lines.stream().map(JsonObject::new)
        .filter(json -> requestId.equals(json.getString("requestId"))).toList();
    assertThat(matching).as("access lines of %s", requestId).hasSize(1);
    return matching.get(0);
  }

  @Test
  void liveIsCheapAndReadyReportsAnOpenBreakerWithoutGoingDown() {
    JsonObject live = edge.get().send(edge.get().request(HttpMethod.GET, "/health/live")).bodyAsJsonObject();
    assertThat(live.getJsonArray("checks").stream().map(c -> ((JsonObject) c).getString("id")))
        .containsExactly("eventloop");

    for (int i = 0; i < 2; i++) {
      assertThat(edge.get().submit(ACME, EdgePlatform.FRAGILE, new JsonObject()).statusCode()).isEqualTo(502);
    }

    HttpResponse<Buffer> ready = edge.get().send(edge.get().request(HttpMethod.GET, "/health/ready"));
    assertThat(ready.statusCode()).isEqualTo(200);
    JsonObject body = ready.bodyAsJsonObject();
    assertThat(body.getString("status")).isEqualTo("UP");
    JsonObject breakers = check(body.getJsonArray("checks"), "circuitBreakers");
    assertThat(breakers.getString("status")).isEqualTo("UP");
    assertThat(breakers.getJsonObject("data").getJsonArray("open").getList()).contains(EdgePlatform.FRAGILE_BREAKER);
    assertThat(body.getJsonArray("checks").stream().map(c -> ((JsonObject) c).getString("id")))
        .contains("ratelimit", "workflow", "dlq", "circuitBreakers");
  }

  private static JsonObject check(JsonArray checks, String id) {
    return checks.stream().map(JsonObject.class::cast).filter(c -> id.equals(c.getString("id"))).findFirst()
        .orElseThrow(() -> new AssertionError("no check " + id + " in " + checks));
  }

  @Test
  void metricsParseAsPrometheusTextAndHoldEveryPlatformFamily() {
    assertThat(echo(Map.of()).statusCode()).isEqualTo(200);
    assertThat(edge.get().submit(ACME, EdgePlatform.FAILING, new JsonObject()).statusCode()).isEqualTo(502);
    assertThat(edge.get().submit(ACME, EdgePlatform.LOCKED, new JsonObject().put("orderId", "o-1")).statusCode())
        .isEqualTo(200);
    assertThat(edge.get().send(edge.get().as(ConfiguredPlatform.ADMIN_TOKEN, HttpMethod.GET, "/admin/dlq/stats")).statusCode())
        .isEqualTo(200);

    HttpResponse<Buffer> response = edge.get().send(edge.get().request(HttpMethod.GET, "/metrics"));
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.getHeader("Content-Type")).startsWith("text/plain");
    Map<String, PrometheusText.Family> families = PrometheusText.parse(response.bodyAsString());

    assertThat(families.keySet()).contains(
        "platform_ratelimit_decisions_total", "platform_ratelimit_mode",
        "platform_run_duration_seconds", "platform_step_duration_seconds",
        "platform_lock_acquire_seconds", "platform_lock_leases_lost_total",
        "platform_bulkhead_active", "platform_bulkhead_queued", "platform_bulkhead_rejected_total",
        "platform_circuit_state", "platform_circuit_failure_rate",
        "platform_dlq_size", "platform_dlq_oldest_entry_age_seconds", "platform_dlq_evictions_total",
        "platform_dlq_expirations_total", "platform_dlq_redrives_total",
        "platform_scaling_desired_replicas", "vertx_http_server_requests_total");
    assertThat(families.get("platform_run_duration_seconds").type()).isEqualTo("histogram");
    assertThat(families.get("platform_run_duration_seconds").samples().stream()
        .map(s -> s.labels().get("outcome"))).contains("succeeded", "dead_lettered");
    assertThat(families.get("platform_dlq_size").samples().stream()
        .filter(s -> "acme".equals(s.labels().get("tenant"))).mapToDouble(PrometheusText.Sample::value).sum())
        .isGreaterThanOrEqualTo(1);
  }

  /** The control for the test above: the reader refuses what is not the exposition format. */
  @Test
  void thePrometheusReaderRejectsMalformedText() {
    for (String bad : List.of("metric 1", "# TYPE m gauge\nm{a=\"1\"} one", "# TYPE m gauge\nm{a=1} 1",
        "# TYPE m gauge\n# TYPE m gauge", "# TYPE m gauge\nm 1\nm 2",
        "# TYPE h histogram\nh_bucket{le=\"1\"} 1\nh_count 1")) {
      assertThatThrownBy(() -> PrometheusText.parse(bad)).as(bad)
          .isInstanceOf(AssertionError.class);
    }
    assertThat(PrometheusText.parse("# HELP m x\n# TYPE m gauge\nm{a=\"q\\\"\"} +Inf\n")).containsKey("m");
  }
}
