package dev.wfgateway.gateway;

import dev.wfgateway.common.Addresses;
import dev.wfgateway.common.ProblemType;
import dev.wfgateway.common.scaling.ScalingDecision;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Operator routes under {@code /admin}, open only to the admin token. */
final class AdminApi {
  private static final Duration SERVICE_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration BULK_TIMEOUT = Duration.ofMinutes(2);
  private static final String TENANT = "tenant";
  private static final Set<String> TENANT_AND_PAGE = Stream.concat(Stream.of(TENANT),
      RequestInput.PAGE_PARAMETERS.stream()).collect(Collectors.toUnmodifiableSet());

  private final Credentials credentials;
  private final PlatformServices services;
  private final ClusterView cluster;
  private final ScalingSignal scaling;

  AdminApi(Credentials credentials, PlatformServices services, ClusterView cluster, ScalingSignal scaling) {
    this.credentials = credentials;
    this.services = services;
    this.cluster = cluster;
    this.scaling = scaling;
  }

  void mount(Router router) {
    router.route("/admin/*").handler(this::authenticate);
    router.get("/admin/dlq/stats").handler(ctx -> services.forward(ctx, Addresses.DLQ_STATS,
        tenantParam(ctx), SERVICE_TIMEOUT, 200));
    router.get("/admin/dlq").handler(ctx -> services.forward(ctx, Addresses.DLQ_QUERY,
        RequestInput.page(ctx, RequestInput.dlqFilter(ctx, tenant(ctx), TENANT_AND_PAGE).toJson()), SERVICE_TIMEOUT, 200));
    router.post("/admin/dlq/retry-all").handler(ctx -> services.forward(ctx, Addresses.DLQ_RETRY,
        RequestInput.dlqFilter(ctx, tenant(ctx), Set.of(TENANT)).toJson(), BULK_TIMEOUT, 200));
    router.get("/admin/cluster").handler(ctx -> respond(ctx, cluster.describe()));
    router.get("/admin/scaling").handler(ctx -> respond(ctx, scaling.decide().map(ScalingDecision::toJson)));
    router.get("/admin/circuit-breakers").handler(ctx -> respond(ctx,
        breakers(ctx).map(all -> new JsonObject().put("breakers", all))));
    router.post("/admin/circuit-breakers/:name/reset").handler(this::resetBreaker);
  }

  /** Every workflow node's breakers, each tagged with its node. */
  private Future<JsonArray> breakers(RoutingContext ctx) {
    return cluster.reports("workflow").compose(nodes -> Future.all(nodes.stream()
            .map(node -> services.request(ctx, Addresses.WORKFLOW_BREAKERS + "." + node.nodeId(), new JsonObject(),
                SERVICE_TIMEOUT).otherwise(new JsonObject()))
            .toList()))
        .map(replies -> {
          JsonArray all = new JsonArray();
          for (int i = 0; i < replies.size(); i++) {
            JsonObject reply = replies.resultAt(i);
            reply.getJsonArray("breakers", new JsonArray()).forEach(b -> all.add(((JsonObject) b).copy()
                .put("node", reply.getString("node"))));
          }
          return all;
        });
  }

  private void resetBreaker(RoutingContext ctx) {
    String name = ctx.pathParam("name");
    breakers(ctx).onSuccess(all -> {
      long nodes = all.stream().filter(b -> name.equals(((JsonObject) b).getString("name"))).count();
      if (nodes == 0) {
        ProblemResponses.send(ctx, ProblemType.NOT_FOUND.problem("No circuit breaker named '" + name + "'"));
        return;
      }
      ctx.vertx().eventBus().publish(Addresses.WORKFLOW_BREAKERS_RESET, new JsonObject().put("name", name));
      ctx.response().putHeader("Content-Type", "application/json")
          .end(new JsonObject().put("name", name).put("state", "closed").put("nodes", nodes).encode());
    }).onFailure(e -> ProblemResponses.fail(ctx, e));
  }

  private static void respond(RoutingContext ctx, Future<JsonObject> body) {
    body.onSuccess(PlatformServices.answering(ctx, json -> ctx.response().putHeader("Content-Type", "application/json")
            .end(json.encode())))
        .onFailure(e -> ProblemResponses.fail(ctx, e));
  }

  /** Used by the gateway for other admin-only routes such as {@code /metrics} when it is not public. */
  void authenticate(RoutingContext ctx) {
    credentials.admin(ctx.request().getHeader("Authorization"));
    ctx.next();
  }

  private static String tenant(RoutingContext ctx) {
    String tenant = ctx.queryParams().get(TENANT);
    return tenant == null || tenant.isEmpty() ? null : tenant;
  }

  private static JsonObject tenantParam(RoutingContext ctx) {
    String tenant = tenant(ctx);
    return tenant == null ? new JsonObject() : new JsonObject().put(TENANT, tenant);
  }
}
