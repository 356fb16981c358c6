package dev.wfgateway.launcher;

import dev.wfgateway.testkit.Await;
import dev.wfgateway.testkit.TestVertx;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.micrometer.MicrometerMetricsFactory;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** The whole platform started in-process the way {@link Main} starts it, plus an HTTP client. */
final class RunningPlatform implements AutoCloseable {
  final Vertx vertx;
  final PrometheusMeterRegistry registry;
  final Platform platform;
  final WebClient client;

  private RunningPlatform(Vertx vertx, PrometheusMeterRegistry registry, Platform platform) {
    this.vertx = vertx;
    this.registry = registry;
    this.platform = platform;
    this.client = WebClient.create(vertx);
  }

  /**
   * Starts the platform on a Vert.x of its own (the blocked-thread guard armed, metrics on), with
   * its gateway on a port of the OS's choosing and its journals in {@code dataDir}.
   */
  static Future<RunningPlatform> start(Path dataDir, Map<String, String> env, String confFile) {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Vertx vertx = Vertx.builder()
        .with(TestVertx.options().setMetricsOptions(Main.metricsOptions()))
        .withMetrics(new MicrometerMetricsFactory(registry)).build();
    Map<String, String> environment = new HashMap<>(env);
    environment.putIfAbsent("HTTP_PORT", "0");
    environment.putIfAbsent("DLQ_JOURNAL_DIR", dataDir.resolve("dlq").toString());
    environment.putIfAbsent("RUNS_JOURNAL_DIR", dataDir.resolve("runs").toString());
    return ConfigLoader.load(vertx, confFile, environment)
        .compose(config -> Platform.start(vertx, config, registry))
        .map(platform -> new RunningPlatform(vertx, registry, platform))
        .onFailure(e -> vertx.close());
  }

  /** {@link #start}, waited for on the test thread. */
  static RunningPlatform started(Path dataDir, Map<String, String> env, String confFile) {
    return Await.result(start(dataDir, env, confFile));
  }

  HttpRequest<Buffer> request(HttpMethod method, String path) {
    return client.request(method, platform.httpPort(), "127.0.0.1", path);
  }

  HttpRequest<Buffer> tenant(HttpMethod method, String path) {
    return request(method, path).putHeader("Authorization", "Bearer " + DemoContent.API_KEY);
  }

  /** A run of {@code workflow} for the demo tenant, answered once it ends. */
  Future<HttpResponse<Buffer>> sendRun(String workflow, JsonObject input) {
    return tenant(HttpMethod.POST, "/v1/workflows/" + workflow + "/runs")
        .putHeader("Content-Type", "application/json")
        .sendBuffer(Buffer.buffer(new JsonObject().put("input", input).encode()));
  }

  /** {@link #sendRun}, waited for on the test thread. */
  HttpResponse<Buffer> submit(String workflow, JsonObject input) {
    return Await.result(sendRun(workflow, input));
  }

  @Override
  public void close() throws Exception {
    Await.result(platform.stop());
    TestVertx.close(vertx);
  }
}
