package dev.wfgateway.gateway;

import dev.wfgateway.common.Addresses;
import dev.wfgateway.common.MetricNames;
import dev.wfgateway.common.NodeStatus;
import dev.wfgateway.common.config.PlatformConfig;
import dev.wfgateway.common.redis.RedisClients;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.LocalMap;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.util.concurrent.TimeUnit;

/**
 * What {@code /health/ready} checks: the services a request needs answer somewhere in the cluster,
 * a workflow node can reach its run store for at least one tenant and is not shutting down, and the
 * DLQ can take entries. DOWN means runs cannot be served through this node. Degraded modes are
 * reported but stay UP, because the node still serves: a limiter on local counters, a run store
 * that some tenants cannot reach (one Redis Cluster master lost), open circuit breakers.
 */
final class ReadinessChecks {
  private static final long PROBE_TIMEOUT_MILLIS = 1_000;
  private static final double OPEN = 1.0;

  private final Vertx vertx;
  private final MeterRegistry registry;
  private final Redis redis;

  ReadinessChecks(Vertx vertx, PlatformConfig config, MeterRegistry registry) {
    this.vertx = vertx;
    this.registry = registry;
    this.redis = config.redisBackend() ? RedisClients.create(vertx, config.redis()) : null;
  }

  HealthChecks register(HealthChecks checks) {
    checks.register("ratelimit", PROBE_TIMEOUT_MILLIS * 2, p -> serviceAnswers(Addresses.RATELIMIT_CHECK, p));
    checks.register("workflow", PROBE_TIMEOUT_MILLIS * 2, this::workflowServes);
    checks.register("dlq", PROBE_TIMEOUT_MILLIS * 2, this::dlqWritable);
    checks.register("circuitBreakers", PROBE_TIMEOUT_MILLIS * 2, this::openBreakers);
    if (redis != null) {
      checks.register("redis", PROBE_TIMEOUT_MILLIS * 2, this::redisAnswers);
    }
    return checks;
  }

  /**
   * Sends an empty (invalid) request: a validation failure proves a node serves the address; no
   * handler or no answer means none does.
   */
  private void serviceAnswers(String address, Promise<Status> promise) {
    vertx.eventBus().request(address, new JsonObject(), new DeliveryOptions().setSendTimeout(PROBE_TIMEOUT_MILLIS))
        .onComplete(ar -> {
          boolean answered = ar.succeeded() || (ar.cause() instanceof ReplyException re
              && re.failureType() == ReplyFailure.RECIPIENT_FAILURE);
          JsonObject data = new JsonObject().put("address", address);
          if (Addresses.RATELIMIT_CHECK.equals(address)) {
            Object mode = localStatus().get(NodeStatus.RATELIMIT_MODE);
            data.put("mode", mode == null ? "unknown" : mode);
          }
          promise.complete(answered ? Status.OK(data) : Status.KO(data.put("reason", "no node serves this address")));
        });
  }

  private void workflowServes(Promise<Status> promise) {
    vertx.eventBus().<JsonObject>request(Addresses.WORKFLOW_READY, new JsonObject(),
        new DeliveryOptions().setSendTimeout(PROBE_TIMEOUT_MILLIS)).onComplete(ar -> {
          if (ar.failed()) {
            promise.complete(Status.KO(new JsonObject().put("address", Addresses.WORKFLOW_SUBMIT)
                .put("reason", "no node serves this address")));
            return;
          }
          JsonObject data = ar.result().body().put("address", Addresses.WORKFLOW_SUBMIT);
          boolean serves = !"down".equals(data.getString("store")) && !data.getBoolean("draining", false);
          promise.complete(serves ? Status.OK(data) : Status.KO(data.put("reason", data.getBoolean("draining", false)
              ? "the workflow node is shutting down" : "the run store does not answer for any tenant")));
        });
  }

  private void dlqWritable(Promise<Status> promise) {
    Object writable = localStatus().get(NodeStatus.DLQ_WRITABLE);
    JsonObject data = new JsonObject().put("writable", writable == null ? "not on this node" : writable);
    promise.complete(Boolean.FALSE.equals(writable) ? Status.KO(data) : Status.OK(data));
  }

  /**
   * The names of this node's breakers whose state gauge reads open (1) for at least one tenant;
   * half-open ones are already letting calls through.
   */
  private void openBreakers(Promise<Status> promise) {
    JsonArray open = new JsonArray();
    registry.find(MetricNames.CIRCUIT_STATE).gauges().stream()
        .filter(gauge -> gauge.value() == OPEN)
        .map(gauge -> gauge.getId().getTag("name"))
        .distinct()
        .sorted()
        .forEach(open::add);
    promise.complete(Status.OK(new JsonObject().put("open", open)));
  }

  private void redisAnswers(Promise<Status> promise) {
    redis.send(Request.cmd(Command.PING)).timeout(PROBE_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)
        .onComplete(ar -> {
          // A Redis outage degrades the node (local rate limits, spooled DLQ) without taking it out.
          JsonObject data = new JsonObject().put("reachable", ar.succeeded());
          promise.complete(Status.OK(data));
        });
  }

  private LocalMap<String, Object> localStatus() {
    return vertx.sharedData().getLocalMap(NodeStatus.MAP);
  }

  Future<Void> close() {
    return redis == null ? Future.succeededFuture() : redis.close();
  }
}
