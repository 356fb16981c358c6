package dev.wfgateway.launcher;

import dev.wfgateway.common.ClusterMembership;
import dev.wfgateway.common.config.PlatformConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsOptions;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.UnaryOperator;
import java.util.logging.Logger;

/**
 * {@code java -jar platform.jar [--conf FILE] [--verticles gateway,workflow] [--cluster]}.
 * Starts one node; SIGTERM stops it cleanly. With {@code --conf}, the file is re-read every
 * {@code reload.interval} to pick up keys, the admin token, workflow definitions, tenants' workflow
 * lists and circuit breakers without a restart ({@link ConfigReload}).
 */
public final class Main {
  private static final Logger LOG = Logger.getLogger(Main.class.getName());
  private static final long SHUTDOWN_SECONDS = 30;

  private Main() {
  }

  public static void main(String[] args) throws Exception {
    LaunchOptions options;
    try {
      options = LaunchOptions.parse(args, System.getenv());
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.err.println(LaunchOptions.USAGE);
      System.exit(2);
      return;
    }
    if (options.help()) {
      System.out.println(LaunchOptions.USAGE);
      return;
    }
    Map<String, String> env = System.getenv();
    UnaryOperator<JsonObject> commandLine = json -> options.verticles() == null ? json
        : json.copy().put("verticles", options.verticles());
    JsonObject json;
    PlatformConfig config;
    try {
      json = commandLine.apply(readConfiguration(options.confFile(), env));
      config = PlatformConfig.fromJson(json);
    } catch (ExecutionException | RuntimeException e) {
      System.err.println("The platform did not start: " + (e instanceof ExecutionException ? e.getCause() : e)
          .getMessage());
      System.exit(1);
      return;
    }
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    VertxBuilder builder = Vertx.builder()
        .with(new VertxOptions().setMetricsOptions(metricsOptions())
            .setEventBusOptions(EventBusTls.options(config.cluster())))
        .withMetrics(new MicrometerMetricsFactory(registry));
    Future<Vertx> vertxReady = options.cluster()
        ? ClusterMembership.buildClustered(builder, ClusterSetup.clusterManager(env))
        : Future.succeededFuture(builder.build());
    Future<Platform> started = vertxReady.compose(vertx -> Platform.start(vertx, json, registry)
        .onSuccess(platform -> {
          Duration reloadInterval = platform.config().reloadInterval();
          if (options.confFile() != null && !reloadInterval.isZero()) {
            platform.reloadOnChange(options.confFile(), env, reloadInterval, commandLine);
          }
          announce(vertx, platform, options);
        })
        .onFailure(e -> vertx.close()));
    try {
      Platform platform = started.toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
      Runtime.getRuntime().addShutdownHook(new Thread(() -> shutdown(platform), "platform-shutdown"));
    } catch (ExecutionException e) {
      System.err.println("The platform did not start: " + e.getCause().getMessage());
      System.exit(1);
    }
  }

  /**
   * Reads the configuration with a short-lived Vert.x of its own, because the node's Vert.x is
   * built from it (the event bus's TLS). Runs on the main thread, so waiting blocks no event loop.
   */
  private static JsonObject readConfiguration(String file, Map<String, String> env) throws ExecutionException,
      InterruptedException, TimeoutException {
    Vertx reader = Vertx.vertx();
    try {
      return ConfigLoader.load(reader, file, env).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } finally {
      reader.close();
    }
  }

  private static void announce(Vertx vertx, Platform platform, LaunchOptions options) {
    String verticles = String.join(",", platform.config().verticles());
    LOG.info(() -> "platform node started: verticles [" + verticles + "], "
        + (platform.config().redisBackend() ? "redis backend" : "local backend")
        + (options.cluster() ? ", clustered" : ", standalone")
        + (platform.httpPort() > 0 ? ", HTTP on port " + platform.httpPort() : ""));
    if (platform.config().demo() && platform.httpPort() > 0) {
      System.out.println(DemoContent.banner(platform.httpPort()));
    }
  }

  /**
   * Runs on the JVM's shutdown-hook thread, never an event loop: waiting here blocks nothing of
   * Vert.x. Prints to stderr because JUL resets its handlers in a shutdown hook of its own.
   */
  private static void shutdown(Platform platform) {
    System.err.println("shutting down: no new requests; runs in progress finish or are dead-lettered");
    try {
      platform.stop().toCompletionStage().toCompletableFuture().get(SHUTDOWN_SECONDS, TimeUnit.SECONDS);
      platform.vertx().close().toCompletionStage().toCompletableFuture().get(SHUTDOWN_SECONDS, TimeUnit.SECONDS);
      System.err.println("shut down cleanly");
    } catch (Exception e) {
      System.err.println("shutdown did not complete within " + SHUTDOWN_SECONDS + " s: " + e);
    }
  }

  /**
   * Vert.x's own meters for HTTP requests in, pools and the JVM. Per-address event-bus meters,
   * per-request HTTP client meters and per-socket byte counters are left out: they cost registry
   * lookups on every message, step call and read, and the platform's own meters
   * ({@code platform.step.duration}, {@code platform.run.duration}) cover what they would tell.
   */
  public static MicrometerMetricsOptions metricsOptions() {
    return new MicrometerMetricsOptions().setEnabled(true).setJvmMetricsEnabled(true)
        .addDisabledMetricsCategory(MetricsDomain.EVENT_BUS)
        .addDisabledMetricsCategory(MetricsDomain.HTTP_CLIENT)
        .addDisabledMetricsCategory(MetricsDomain.NET_CLIENT)
        .addDisabledMetricsCategory(MetricsDomain.NET_SERVER);
  }
}
