package dev.wfgateway.gateway;

import dev.wfgateway.common.Addresses;
import dev.wfgateway.common.Headers;
import dev.wfgateway.common.ProblemException;
import dev.wfgateway.common.ProblemType;
import dev.wfgateway.common.config.PlatformConfig;
import dev.wfgateway.common.config.TenantConfig;
import dev.wfgateway.common.config.WorkflowDefinition;
import dev.wfgateway.common.messages.RateLimitRequest;
import dev.wfgateway.common.messages.RunSource;
import dev.wfgateway.common.messages.RunStatus;
import dev.wfgateway.common.messages.RunStatusRequest;
import dev.wfgateway.common.messages.SubmitRunRequest;
import dev.wfgateway.common.service.RateLimitService;
import dev.wfgateway.common.service.WorkflowService;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.Set;

/**
 * The tenant routes of DESIGN.md section 4. The API key decides the tenant; every request to a
 * service names that tenant, so another tenant's runs and entries are simply not found.
 */
final class TenantApi {
  static final String ROUTE_SUBMIT = "submit";
  static final String ROUTE_READ = "read";
  private static final String CALLER_KEY = "caller";
  private static final Duration SERVICE_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration BULK_TIMEOUT = Duration.ofMinutes(2);
  private static final Duration SYNC_MARGIN = Duration.ofSeconds(5);

  private final PlatformConfig config;
  private final Credentials credentials;
  private final WorkflowDirectory workflows;
  private final PlatformServices services;

  /** {@code config} is the start-up one, for what a reload does not change (the JSON limits). */
  TenantApi(PlatformConfig config, Credentials credentials, WorkflowDirectory workflows, PlatformServices services) {
    this.config = config;
    this.credentials = credentials;
    this.workflows = workflows;
    this.services = services;
  }

  void mount(Router router) {
    router.get("/v1/workflows").handler(this::authenticate).handler(rateLimited(ROUTE_READ))
        .handler(ctx -> json(ctx, new JsonObject().put("workflows", new JsonArray(
            workflows.runnableBy(tenant(ctx)).stream().map(WorkflowView::of).toList()))));
    router.get("/v1/workflows/:workflow").handler(this::authenticate).handler(rateLimited(ROUTE_READ))
        .handler(ctx -> json(ctx, WorkflowView.of(workflows.runnable(tenant(ctx), ctx.pathParam("workflow")))));
    router.post("/v1/workflows/:workflow/runs").handler(this::authenticate).handler(rateLimited(ROUTE_SUBMIT))
        .handler(this::submitRun);
    router.get("/v1/runs/:runId").handler(this::authenticate).handler(rateLimited(ROUTE_READ))
        .handler(ctx -> services.call(ctx, WorkflowService.STATUS,
                new RunStatusRequest(tenant(ctx).name(), ctx.pathParam("runId")), SERVICE_TIMEOUT, Map.of())
            .onSuccess(run -> ctx.response().putHeader("Content-Type", "application/json").end(run.toJson().encode()))
            .onFailure(e -> ProblemResponses.fail(ctx, e)));
    router.get("/v1/dlq").handler(this::authenticate).handler(rateLimited(ROUTE_READ))
        .handler(ctx -> services.forward(ctx, Addresses.DLQ_QUERY,
            RequestInput.page(ctx,
                RequestInput.dlqFilter(ctx, tenant(ctx).name(), RequestInput.PAGE_PARAMETERS).toJson()), SERVICE_TIMEOUT, 200));
    router.get("/v1/dlq/:id").handler(this::authenticate).handler(rateLimited(ROUTE_READ))
        .handler(ctx -> services.forward(ctx, Addresses.DLQ_QUERY, oneEntry(ctx), SERVICE_TIMEOUT, 200));
    router.post("/v1/dlq/:id/retry").handler(this::authenticate).handler(rateLimited(ROUTE_SUBMIT))
        .handler(ctx -> services.call(ctx, Addresses.DLQ_RETRY, oneEntry(ctx), SERVICE_TIMEOUT, reply -> {
          if (reply.getInteger("retried", 0) == 0) {
            throw new ProblemException(ProblemType.NOT_FOUND.problem("No such DLQ entry"));
          }
          var runIds = reply.getJsonArray("runIds");
          ctx.response().setStatusCode(202).putHeader("Content-Type", "application/json")
              .end(new JsonObject().put("runId", runIds == null || runIds.isEmpty() ? null : runIds.getString(0))
                  .encode());
        }));
    router.delete("/v1/dlq/:id").handler(this::authenticate).handler(rateLimited(ROUTE_SUBMIT))
        .handler(ctx -> services.call(ctx, Addresses.DLQ_DELETE, oneEntry(ctx), SERVICE_TIMEOUT, reply -> {
          if (reply.getInteger("deleted", 0) == 0) {
            throw new ProblemException(ProblemType.NOT_FOUND.problem("No such DLQ entry"));
          }
          ctx.response().setStatusCode(204).end();
        }));
    router.post("/v1/dlq/retry").handler(this::authenticate).handler(rateLimited(ROUTE_SUBMIT))
        .handler(ctx -> services.forward(ctx, Addresses.DLQ_RETRY,
            RequestInput.dlqFilter(ctx, tenant(ctx).name(), Set.of()).toJson(), BULK_TIMEOUT, 202));
    router.delete("/v1/dlq").handler(this::authenticate).handler(rateLimited(ROUTE_SUBMIT))
        .handler(ctx -> services.forward(ctx, Addresses.DLQ_DELETE,
            RequestInput.dlqFilter(ctx, tenant(ctx).name(), Set.of()).toJson(), BULK_TIMEOUT, 200));
  }

  private static void json(RoutingContext ctx, JsonObject body) {
    ctx.response().putHeader("Content-Type", "application/json").end(body.encode());
  }

  private JsonObject oneEntry(RoutingContext ctx) {
    return new JsonObject().put("tenant", tenant(ctx).name()).put("id", ctx.pathParam("id"));
  }

  private void submitRun(RoutingContext ctx) {
    TenantConfig tenant = tenant(ctx);
    String workflow = ctx.pathParam("workflow");
    WorkflowDefinition definition = workflows.runnable(tenant, workflow);
    boolean async = RequestInput.prefersAsync(ctx);
    SubmitRunRequest request = new SubmitRunRequest(tenant.name(), workflow, RequestInput.runInput(ctx, config.http().maxJsonDepth()),
        RequestInput.idempotencyKey(ctx), async, ctx.get(PlatformServices.REQUEST_ID_KEY), RunSource.HTTP, 0);
    Duration lockWait = definition.lock() == null ? Duration.ZERO : definition.lock().maxWait();
    Duration timeout = async ? SERVICE_TIMEOUT : definition.timeout().plus(lockWait).plus(SYNC_MARGIN);
    String runId = UUID.randomUUID().toString();
    services.call(ctx, WorkflowService.SUBMIT, request, timeout, Map.of(Headers.RUN_ID, runId))
        .onSuccess(PlatformServices.answering(ctx, submitted -> {
          JsonObject run = submitted.run();
          if (submitted.replayed()) {
            ctx.response().putHeader("Idempotent-Replayed", "true");
          }
          // A queued record answers an async submit, the replay of one included; so does a running one
          // when the submit was sent again after its first node left (another node had taken it).
          String status = run.getString("status");
          if (RunStatus.QUEUED.wire().equals(status) || (async && RunStatus.RUNNING.wire().equals(status))) {
            ctx.response().setStatusCode(202).putHeader("Location", "/v1/runs/" + run.getString("runId"))
                .putHeader("Preference-Applied", "respond-async");
          }
          ctx.response().putHeader("Content-Type", "application/json").end(run.encode());
        }))
        .onFailure(e -> ProblemResponses.fail(ctx, e));
  }

  private void authenticate(RoutingContext ctx) {
    Credentials.Caller caller = credentials.tenant(ctx.request().getHeader("Authorization"));
    ctx.put(CALLER_KEY, caller);
    ctx.put(AccessLog.TENANT_KEY, caller.tenant().name());
    ctx.next();
  }

  private static TenantConfig tenant(RoutingContext ctx) {
    Credentials.Caller caller = ctx.get(CALLER_KEY);
    return caller.tenant();
  }

  private Handler<RoutingContext> rateLimited(String route) {
    return ctx -> services.call(ctx, RateLimitService.CHECK, new RateLimitRequest(tenant(ctx).name(), route, 1),
            SERVICE_TIMEOUT, Map.of())
        .onSuccess(decision -> {
          RateLimitHeaders.apply(ctx.response(), decision);
          if (decision.allowed()) {
            ctx.next();
          } else {
            ProblemResponses.send(ctx, ProblemType.RATE_LIMITED
                .problem("The tenant's '" + RateLimitHeaders.tightest(decision).name() + "' limit is exhausted")
                .with("retryAfterSeconds", Long.parseLong(ctx.response().headers().get("Retry-After"))));
          }
        })
        .onFailure(e -> ProblemResponses.fail(ctx, e));
  }
}
