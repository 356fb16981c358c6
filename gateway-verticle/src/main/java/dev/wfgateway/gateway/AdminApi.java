package dev.wfgateway.gateway;

import dev.wfgateway.common.Addresses;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;

/** Operator routes under {@code /admin}, open only to the admin token. */
final class AdminApi {
  private static final Duration SERVICE_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration BULK_TIMEOUT = Duration.ofMinutes(2);

  private final Credentials credentials;
  private final PlatformServices services;

  AdminApi(Credentials credentials, PlatformServices services) {
    this.credentials = credentials;
    this.services = services;
  }

  void mount(Router router) {
    router.route("/admin/*").handler(this::authenticate);
    router.get("/admin/dlq/stats").handler(ctx -> services.forward(ctx, Addresses.DLQ_STATS,
        tenantParam(ctx), SERVICE_TIMEOUT, 200));
    router.get("/admin/dlq").handler(ctx -> services.forward(ctx, Addresses.DLQ_QUERY,
        RequestInput.page(ctx, RequestInput.dlqFilter(ctx, tenant(ctx), null).toJson()), SERVICE_TIMEOUT, 200));
    router.post("/admin/dlq/retry-all").handler(ctx -> services.forward(ctx, Addresses.DLQ_RETRY,
        RequestInput.dlqFilter(ctx, tenant(ctx), null).toJson(), BULK_TIMEOUT, 200));
  }

  /** Used by the gateway for other admin-only routes such as {@code /metrics} when it is not public. */
  void authenticate(RoutingContext ctx) {
    credentials.admin(ctx.request().getHeader("Authorization"));
    ctx.next();
  }

  private static String tenant(RoutingContext ctx) {
    String tenant = ctx.queryParams().get("tenant");
    return tenant == null || tenant.isEmpty() ? null : tenant;
  }

  private static JsonObject tenantParam(RoutingContext ctx) {
    String tenant = tenant(ctx);
    return tenant == null ? new JsonObject() : new JsonObject().put("tenant", tenant);
  }
}
