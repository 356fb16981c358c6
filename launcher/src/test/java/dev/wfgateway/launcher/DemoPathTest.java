package dev.wfgateway.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wfgateway.testkit.Await;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The walking skeleton through a real HTTP server on the embedded default (local backend, demo content). */
class DemoPathTest {
  @RegisterExtension
  static final PerClass<RunningPlatform> node = PerClass.of(dir -> RunningPlatform.started(dir, Map.of(), null));



  @Test
  void helloWorkflowAnswers200WithTheRunRecordAndRateLimitHeaders() {
    HttpResponse<Buffer> response = node.get().submit(DemoContent.HELLO, new JsonObject().put("name", "Ada"));

    assertThat(response.statusCode()).isEqualTo(200);
    JsonObject run = response.bodyAsJsonObject();
    assertThat(run.getString("status")).isEqualTo("succeeded");
    assertThat(run.getString("tenant")).isEqualTo("demo");
    assertThat(run.getJsonObject("output").getJsonObject("steps").getJsonObject("greet").getString("greeting"))
        .isEqualTo("Hello, Ada!");
    assertThat(run.getJsonObject("output").getJsonObject("result").getString("stampedAt")).isNotBlank();
    assertThat(response.getHeader("X-Request-Id")).isNotBlank();
    assertThat(response.getHeader("RateLimit-Policy")).isEqualTo("\"burst\";q=20;w=1, \"sustained\";q=1000;w=900");
    assertThat(response.getHeader("RateLimit")).matches("\"burst\";r=\\d+;t=\\d+");

    HttpResponse<Buffer> fetched = Await.result(node.get().tenant(HttpMethod.GET, "/v1/runs/" + run.getString("runId")).send());
    assertThat(fetched.statusCode()).isEqualTo(200);
    assertThat(fetched.bodyAsJsonObject()).isEqualTo(run);
  }

  @Test
  void failingWorkflowAnswers502AndLandsInTheDlq() {
    HttpResponse<Buffer> response = node.get().submit(DemoContent.FLAKY, new JsonObject().put("orderId", "o-42"));

    assertThat(response.statusCode()).isEqualTo(502);
    assertThat(response.getHeader("Content-Type")).isEqualTo("application/problem+json");
    JsonObject problem = response.bodyAsJsonObject();
    assertThat(problem.getString("type")).endsWith("/run-failed");
    String runId = problem.getString("runId");
    String dlqId = problem.getString("dlqId");
    assertThat(runId).isNotBlank();
    assertThat(dlqId).isNotBlank();
    assertThat(problem.encode()).doesNotContain("Exception").doesNotContain("at dev.");

    HttpResponse<Buffer> dlq = Await.result(node.get().tenant(HttpMethod.GET, "/v1/dlq").send());
    assertThat(dlq.statusCode()).isEqualTo(200);
    assertThat(dlq.bodyAsJsonObject().getJsonArray("entries").stream().map(JsonObject.class::cast)
        .filter(e -> e.getString("id").equals(dlqId)).findFirst()).hasValueSatisfying(entry -> {
          assertThat(entry.getString("runId")).isEqualTo(runId);
          assertThat(entry.getString("reason")).isEqualTo("step_failed");
          assertThat(entry.getInteger("attempts")).isEqualTo(3);
        });
    JsonObject run = Await.result(node.get().tenant(HttpMethod.GET, "/v1/runs/" + runId).send()).bodyAsJsonObject();
    assertThat(run.getString("status")).isEqualTo("dead_lettered");
    assertThat(run.getString("dlqId")).isEqualTo(dlqId);
  }

  @Test
  void flakyWorkflowSucceedsAfterRetries() {
    HttpResponse<Buffer> response = node.get().submit(DemoContent.FLAKY,
        new JsonObject().put("orderId", "o-43").put("failAttempts", 2));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.bodyAsJsonObject().getJsonArray("steps").getJsonObject(0).getInteger("attempts")).isEqualTo(3);
  }

  @Test
  void asyncRunAnswers202WithLocationAndCanBePolled() {
    HttpResponse<Buffer> response = Await.result(node.get().tenant(HttpMethod.POST, "/v1/workflows/demo-hello/runs")
        .putHeader("Prefer", "respond-async").putHeader("Content-Type", "application/json")
        .sendBuffer(Buffer.buffer("{\"input\":{}}")));

    assertThat(response.statusCode()).isEqualTo(202);
    String location = response.getHeader("Location");
    assertThat(location).isEqualTo("/v1/runs/" + response.bodyAsJsonObject().getString("runId"));
    Await.until("async run succeeded", Duration.ofSeconds(10), () -> "succeeded".equals(
        Await.result(node.get().tenant(HttpMethod.GET, location).send()).bodyAsJsonObject().getString("status")));
  }

  @Test
  void requestsWithoutAValidKeyGet401Problems() {
    for (String auth : new String[] {null, "Bearer nope", "Basic abc", "Bearer " + DemoContent.ADMIN_TOKEN}) {
      var request = node.get().request(HttpMethod.POST, "/v1/workflows/demo-hello/runs");
      if (auth != null) {
        request.putHeader("Authorization", auth);
      }
      HttpResponse<Buffer> response = Await.result(request.send());
      assertThat(response.statusCode()).as("auth %s", auth).isEqualTo(401);
      assertThat(response.getHeader("Content-Type")).isEqualTo("application/problem+json");
      assertThat(response.bodyAsJsonObject().getString("type")).endsWith("/unauthorized");
    }
  }

  @Test
  void unknownWorkflowAndRunAre404() {
    assertThat(node.get().submit("no-such-workflow", new JsonObject()).statusCode()).isEqualTo(404);
    assertThat(Await.result(node.get().tenant(HttpMethod.GET, "/v1/runs/nope").send()).statusCode()).isEqualTo(404);
    HttpResponse<Buffer> unknownRoute = Await.result(node.get().tenant(HttpMethod.GET, "/v2/nothing").send());
    assertThat(unknownRoute.statusCode()).isEqualTo(404);
    assertThat(unknownRoute.getHeader("Content-Type")).isEqualTo("application/problem+json");
  }

  @Test
  void healthAndMetricsAreServed() {
    HttpResponse<Buffer> live = Await.result(node.get().request(HttpMethod.GET, "/health/live").send());
    assertThat(live.statusCode()).isEqualTo(200);
    assertThat(live.bodyAsJsonObject().getString("status")).isEqualTo("UP");
    HttpResponse<Buffer> ready = Await.result(node.get().request(HttpMethod.GET, "/health/ready").send());
    assertThat(ready.statusCode()).isEqualTo(200);
    assertThat(ready.bodyAsJsonObject().getJsonArray("checks")).isNotEmpty();

    node.get().submit(DemoContent.HELLO, new JsonObject());
    String metrics = Await.result(node.get().request(HttpMethod.GET, "/metrics").send()).bodyAsString();
    assertThat(metrics).contains("platform_run_duration_seconds_count").contains("vertx_http_server_requests_total")
        .contains("platform_ratelimit_decisions_total");
  }
}
