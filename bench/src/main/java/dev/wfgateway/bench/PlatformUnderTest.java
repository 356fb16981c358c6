package dev.wfgateway.bench;

import dev.wfgateway.launcher.Main;
import dev.wfgateway.launcher.Platform;
import dev.wfgateway.testkit.Await;
import dev.wfgateway.testkit.TestVertx;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import dev.wfgateway.dlq.DlqVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.micrometer.MicrometerMetricsFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * One platform node started in-process as {@code Main} starts it (metrics on, the launcher's
 * config loading), on a Vert.x with the blocked-thread checker armed, plus {@link EchoServices} on
 * the same instance. Local backend when {@code redisUrl} is null, else Redis. The DLQ verticle is
 * deployed here rather than by {@link Platform} (first, as the platform does), so the chaos suite
 * can undeploy and redeploy it.
 */
final class PlatformUnderTest implements AutoCloseable {
  final Vertx vertx;
  final EchoServices echo = new EchoServices();
  final Platform platform;
  final JsonObject config;
  final Path dir;
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private String dlqDeployment;

  PlatformUnderTest(String redisUrl) throws Exception {
    this(redisUrl == null ? null : new JsonObject().put("url", redisUrl));
  }

  /** {@code redis}: the configuration's {@code redis} section (a cluster, sentinels, ...), or null for the local backend. */
  PlatformUnderTest(JsonObject redis) throws Exception {
    vertx = Vertx.builder()
        .with(TestVertx.options().setMetricsOptions(Main.metricsOptions()))
        .withMetrics(new MicrometerMetricsFactory(registry)).build();
    dir = Files.createTempDirectory("wfgateway-bench");
    Await.result(vertx.deployVerticle(echo));
    JsonObject loaded = Await.result(BenchConfig.load(vertx, dir, echo.httpPort(), null));
    config = redis == null ? loaded : loaded.put("redis", redis);
    Await.result(deployDlq(), Duration.ofSeconds(60));
    JsonObject withoutDlq = config.copy().put("verticles", new JsonArray().add("ratelimit").add("workflow").add("gateway"));
    platform = Await.result(Platform.start(vertx, withoutDlq, registry), Duration.ofSeconds(60));
  }

  String backend() {
    return platform.config().redisBackend() ? "redis" : "local";
  }

  int gatewayPort() {
    return platform.httpPort();
  }

  Future<Void> deployDlq() {
    return vertx.deployVerticle(new DlqVerticle(registry), new DeploymentOptions().setConfig(config))
        .onSuccess(id -> dlqDeployment = id).mapEmpty();
  }

  Future<Void> undeployDlq() {
    return vertx.undeploy(dlqDeployment).onSuccess(v -> dlqDeployment = null);
  }

  @Override
  public void close() {
    Await.result(platform.stop(), Duration.ofSeconds(60));
    if (dlqDeployment != null) {
      Await.result(undeployDlq(), Duration.ofSeconds(60));
    }
    Await.result(vertx.close(), Duration.ofSeconds(30));
    BenchFiles.deleteTree(dir);
  }
}
