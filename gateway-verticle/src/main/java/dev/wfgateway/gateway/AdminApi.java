package dev.wfgateway.gateway;

import dev.wfgateway.common.Addresses;
import dev.wfgateway.common.Problem;
import dev.wfgateway.common.ProblemException;
import dev.wfgateway.common.ProblemType;
import dev.wfgateway.common.scaling.ScalingDecision;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.List;
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

  /** Every workflow node's breakers (one per breaker name and tenant), each tagged with its node. */
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

  /**
   * Closes the breakers of a name on every node: every tenant's, or with {@code ?tenant=} only that
   * tenant's. The answer names the tenants and counts the nodes whose breakers were listed.
   */
  private void resetBreaker(RoutingContext ctx) {
    String name = ctx.pathParam("name");
    String tenant = resetTenant(ctx);
    breakers(ctx).onSuccess(all -> {
      List<JsonObject> matching = all.stream().map(JsonObject.class::cast)
          .filter(b -> name.equals(b.getString("name")) && (tenant == null || tenant.equals(b.getString(TENANT))))
          .toList();
      if (matching.isEmpty()) {
        ProblemResponses.send(ctx, ProblemType.NOT_FOUND.problem("No circuit breaker named '" + name + "'"
            + (tenant == null ? "" : " for tenant '" + tenant + "'")));
        return;
      }
      JsonObject reset = new JsonObject().put("name", name);
      if (tenant != null) {
        reset.put(TENANT, tenant);
      }
      ctx.vertx().eventBus().publish(Addresses.WORKFLOW_BREAKERS_RESET, reset);
      JsonArray tenants = new JsonArray(matching.stream().map(b -> b.getString(TENANT)).distinct().sorted().toList());
      long nodes = matching.stream().map(b -> b.getString("node")).distinct().count();
      ctx.response().putHeader("Content-Type", "application/json")
          .end(reset.copy().put("state", "closed").put("tenants", tenants).put("nodes", nodes).encode());
    }).onFailure(e -> ProblemResponses.fail(ctx, e));
  }

  /**
   * The reset's one query parameter, {@code tenant}, or null. Anything else is a 400: a reset must
   * never close more breakers than the operator meant because a parameter was ignored.
   */
  private static String resetTenant(RoutingContext ctx) {
    RequestInput.allowOnly(ctx, Set.of(TENANT));
    List<String> tenants = ctx.queryParams().getAll(TENANT);
    if (tenants.size() > 1 || tenants.size() == 1 && tenants.get(0).isEmpty()) {
      throw new ProblemException(Problem.invalid(TENANT, "give tenant at most once, naming one tenant"));
    }
    return tenants.isEmpty() ? null : tenants.get(0);
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
