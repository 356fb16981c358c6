package dev.wfgateway.launcher;

import dev.wfgateway.common.config.ConfigException;
import dev.wfgateway.common.config.PlatformConfig;
import dev.wfgateway.dlq.DlqVerticle;
import dev.wfgateway.gateway.GatewayVerticle;
import dev.wfgateway.ratelimit.RateLimitVerticle;
import dev.wfgateway.workflow.WorkflowVerticle;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.config.ConfigRetriever;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import java.util.logging.Logger;

/**
 * One node of the platform: deploys the verticles its configuration names (plus the demo services
 * in demo mode) and undeploys them in the order a clean shutdown needs: first the gateway stops
 * taking requests, then runs finish or are dead-lettered, and the DLQ goes last, flushed.
 */
public final class Platform {
  private static final Logger LOG = Logger.getLogger(Platform.class.getName());

  private final Vertx vertx;
  private final PlatformConfig config;
  private final Deque<String> deployments = new ArrayDeque<>();
  private GatewayVerticle gateway;
  private NodeReporter reporter;
  private ConfigRetriever watcher;
  private JsonObject applied;

  private Platform(Vertx vertx, PlatformConfig config, JsonObject applied) {
    this.vertx = vertx;
    this.config = config;
    this.applied = applied;
  }

  /** Validates {@code rawConfig} (adding the demo content when it has no tenants) and deploys the node. */
  public static Future<Platform> start(Vertx vertx, JsonObject rawConfig, PrometheusMeterRegistry registry) {
    boolean demo = DemoContent.wanted(rawConfig);
    // The demo services live beside the workflow verticle that calls them, one set per such node.
    boolean demoServicesHere = demo && DemoContent.runsWorkflows(rawConfig);
    DemoServiceVerticle demoServices = new DemoServiceVerticle();
    Future<String> demoDeployed = demoServicesHere ? vertx.deployVerticle(demoServices) : Future.succeededFuture();
    return demoDeployed.compose(demoId -> {
      JsonObject json = demo ? DemoContent.apply(rawConfig, demoServicesHere ? demoServices.httpPort() : 0) : rawConfig;
      PlatformConfig config;
      try {
        config = PlatformConfig.fromJson(json);
      } catch (RuntimeException e) {
        return (demoId == null ? Future.<Void>succeededFuture() : vertx.undeploy(demoId))
            .compose(v -> Future.failedFuture(e));
      }
      Platform platform = new Platform(vertx, config, json);
      if (demoId != null) {
        platform.deployments.push(demoId);
      }
      return platform.deployAll(json, registry)
          .compose(v -> (platform.reporter = new NodeReporter(vertx, config, registry)).start())
          .map(platform)
          .recover(e -> platform.stop().transform(ignored -> Future.failedFuture(e)));
    });
  }

  private Future<Void> deployAll(JsonObject json, PrometheusMeterRegistry registry) {
    DeploymentOptions options = new DeploymentOptions().setConfig(json);
    return deployIf("dlq", () -> new DlqVerticle(registry), options)
        .compose(v -> deployIf("ratelimit", () -> new RateLimitVerticle(registry), options))
        .compose(v -> deployIf("workflow", () -> new WorkflowVerticle(registry), options))
        .compose(v -> deployIf("gateway", () -> gateway = new GatewayVerticle(registry), options));
  }

  private Future<Void> deployIf(String name, Supplier<VerticleBase> verticle, DeploymentOptions options) {
    if (!config.runs(name)) {
      return Future.succeededFuture();
    }
    return vertx.deployVerticle(verticle.get(), options)
        .onSuccess(id -> {
          deployments.push(id);
          LOG.info(() -> "deployed " + name + " verticle");
        }).mapEmpty();
  }

  public Vertx vertx() {
    return vertx;
  }

  public PlatformConfig config() {
    return config;
  }

  /** The gateway's HTTP port, or -1 when this node runs no gateway. */
  public int httpPort() {
    return gateway == null ? -1 : gateway.actualPort();
  }

  /**
   * Re-reads the configuration every {@code interval} (the same file and environment the node
   * started with, {@code overrides} applied on top) and {@linkplain #reload reloads} what changed.
   */
  public void reloadOnChange(String file, Map<String, String> env, Duration interval,
      UnaryOperator<JsonObject> overrides) {
    watcher = ConfigLoader.watch(vertx, file, env, interval);
    watcher.listen(change -> reload(overrides.apply(change.getNewConfiguration())));
  }

  /**
   * Applies what a reload covers ({@link ConfigReload}): keys, revocations, expiries, the admin
   * token, workflow definitions, tenants' allow-lists and circuit-breaker policies, handed to this
   * node's workflow verticle (new runs take the new definitions, runs in progress keep theirs), then
   * to its gateway. A configuration with any problem is refused whole, every problem logged, and
   * what runs stays; so is one that adds or removes tenants. Other changes are logged as needing a
   * restart and otherwise ignored.
   */
  public Future<Void> reload(JsonObject json) {
    if (json.equals(applied)) {
      return Future.succeededFuture();
    }
    ConfigReload.Plan plan;
    try {
      plan = ConfigReload.plan(config, applied, json);
    } catch (ConfigException e) {
      LOG.warning(() -> "configuration reload ignored, the running configuration stays: " + e.getMessage());
      return Future.failedFuture(e);
    } catch (ConfigReload.NeedsRestart e) {
      LOG.warning(() -> "configuration reload ignored: " + e.getMessage());
      return Future.failedFuture(e);
    }
    if (!plan.needingRestart().isEmpty()) {
      LOG.warning(() -> "configuration reload: " + plan.needingRestart() + " changed and need a restart; "
          + "the keys, admin token, workflows, tenants' workflow lists and circuit breakers are applied");
    }
    DeliveryOptions local = new DeliveryOptions().setLocalOnly(true);
    Future<Void> engine = !config.runs("workflow") ? Future.succeededFuture()
        : vertx.eventBus().request(WorkflowVerticle.RELOAD_DEFINITIONS, json, local).mapEmpty();
    return engine
        .compose(v -> gateway == null ? Future.<Void>succeededFuture()
            : vertx.eventBus().request(GatewayVerticle.RELOAD_CONFIG, json, local).<Void>mapEmpty())
        .onSuccess(v -> {
          applied = json;
          LOG.info("configuration reloaded: keys, admin token, workflow definitions and circuit breakers updated");
        })
        .onFailure(e -> LOG.warning(() -> "configuration reload refused, the running configuration stays: "
            + e.getMessage()));
  }

  /** Leaves the node directory, then undeploys in reverse order of deployment, one after the other. */
  public Future<Void> stop() {
    if (watcher != null) {
      watcher.close();
      watcher = null;
    }
    Future<Void> left = reporter == null ? Future.succeededFuture() : reporter.stop().otherwiseEmpty();
    reporter = null;
    return left.compose(v -> undeployAll());
  }

  private Future<Void> undeployAll() {
    String next = deployments.poll();
    if (next == null) {
      return Future.succeededFuture();
    }
    return vertx.undeploy(next).recover(e -> {
      LOG.warning("undeploy failed: " + e.getMessage());
      return Future.succeededFuture();
    }).compose(v -> undeployAll());
  }
}
