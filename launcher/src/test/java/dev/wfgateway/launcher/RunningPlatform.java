package dev.wfgateway.launcher;

import dev.wfgateway.testkit.Await;
import dev.wfgateway.testkit.TestVertx;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** The whole platform started in-process the way {@link Main} starts it, on a free port, plus an HTTP client. */
final class RunningPlatform implements AutoCloseable {
  final Vertx vertx;
  final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  final Platform platform;
  final WebClient client;

  RunningPlatform(Path dataDir, Map<String, String> env, String confFile) {
    vertx = TestVertx.guard(Vertx.builder()
        .with(TestVertx.options().setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true)))
        .withMetrics(new MicrometerMetricsFactory(registry)).build());
    Map<String, String> environment = new HashMap<>(env);
    environment.putIfAbsent("HTTP_PORT", "0");
    environment.putIfAbsent("DLQ_JOURNAL_DIR", dataDir.resolve("dlq").toString());
    environment.putIfAbsent("RUNS_JOURNAL_DIR", dataDir.resolve("runs").toString());
    JsonObject config = Await.result(ConfigLoader.load(vertx, confFile, environment));
    platform = Await.result(Platform.start(vertx, config, registry));
    client = WebClient.create(vertx);
  }

  HttpRequest<Buffer> request(HttpMethod method, String path) {
    return client.request(method, platform.httpPort(), "127.0.0.1", path);
  }

  HttpRequest<Buffer> tenant(HttpMethod method, String path) {
    return request(method, path).putHeader("Authorization", "Bearer " + DemoContent.API_KEY);
  }

  HttpResponse<Buffer> submit(String workflow, JsonObject input) {
    return Await.result(tenant(HttpMethod.POST, "/v1/workflows/" + workflow + "/runs")
        .putHeader("Content-Type", "application/json")
        .sendBuffer(Buffer.buffer(new JsonObject().put("input", input).encode())));
  }

  @Override
  public void close() throws Exception {
    Await.result(platform.stop());
    TestVertx.close(vertx);
  }
}
