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
   * Applies what a reload covers: tenant keys, revocations and expiries, and the admin token,
   * handed to this node's gateway, which swaps them at once. An invalid configuration is logged and
   * ignored (the old keys stay); adding or removing tenants needs a restart and is refused; any
   * other change is logged as needing a restart and otherwise ignored.
   */
  public Future<Void> reload(JsonObject json) {
    if (json.equals(applied)) {
      return Future.succeededFuture();
    }
    PlatformConfig next;
    try {
      next = PlatformConfig.fromJson(json);
    } catch (ConfigException e) {
      LOG.warning(() -> "configuration reload ignored, the running keys stay: " + e.getMessage());
      return Future.failedFuture(e);
    }
    if (config.demo() || !next.tenants().keySet().equals(config.tenants().keySet())) {
      LOG.warning("configuration reload ignored: adding or removing tenants (or demo mode) needs a restart");
      return Future.failedFuture(new IllegalStateException("tenants changed"));
    }
    if (!withoutKeys(json).equals(withoutKeys(applied))) {
      LOG.warning("configuration reload: only keys, revocations, expiries and the admin token are applied; "
          + "the other changes need a restart");
    }
    applied = json;
    if (gateway == null) {
      return Future.succeededFuture();
    }
    return vertx.eventBus().request(GatewayVerticle.RELOAD_CONFIG, json, new DeliveryOptions().setLocalOnly(true))
        .<Void>mapEmpty()
        .onSuccess(v -> LOG.info("configuration reloaded: tenant keys and admin token updated"));
  }

  private static JsonObject withoutKeys(JsonObject json) {
    JsonObject rest = json.copy();
    rest.remove("admin");
    rest.getJsonObject("tenants", new JsonObject()).forEach(tenant -> {
      if (tenant.getValue() instanceof JsonObject t) {
        t.remove("keys");
        t.remove("revokedKeys");
      }
    });
    return rest;
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
