package dev.wfgateway.gateway;

import dev.wfgateway.common.Problem;
import dev.wfgateway.common.ProblemType;
import dev.wfgateway.common.config.HttpConfig;
import dev.wfgateway.common.config.PlatformConfig;
import dev.wfgateway.common.scaling.ScalingPolicy;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;
import io.vertx.micrometer.PrometheusScrapingHandler;
import java.time.Clock;
import java.util.concurrent.TimeUnit;

/** The HTTP edge: wires the router, the tenant and admin APIs, health and metrics, and the server. */
public final class GatewayVerticle extends VerticleBase {
  private static final int MAX_HEADER_BYTES = 16 * 1024;
  private static final long SCALING_REFRESH_MILLIS = 5_000;

  private final PrometheusMeterRegistry registry;
  private HttpServer server;
  private ReadinessChecks readiness;
  private long scalingTimer = -1;

  public GatewayVerticle(PrometheusMeterRegistry registry) {
    this.registry = registry;
  }

  @Override
  public Future<?> start() {
    PlatformConfig config = PlatformConfig.fromJson(config());
    HttpConfig http = config.http();
    Credentials credentials = new Credentials(config, Clock.systemUTC());
    PlatformServices services = new PlatformServices(vertx);
    readiness = new ReadinessChecks(vertx, config);

    Router router = Router.router(vertx);
    router.route().handler(this::tagRequest);
    router.route().handler(BodyHandler.create(false).setBodyLimit(http.maxBodyBytes()));
    HealthCheckHandler live = HealthCheckHandler.create(vertx)
        .register("eventloop", promise -> promise.complete(Status.OK()));
    HealthCheckHandler ready = HealthCheckHandler.createWithHealthChecks(readiness.register(HealthChecks.create(vertx)));
    router.get("/health/live").handler(live);
    router.get("/health/ready").handler(ready);
    router.get("/health").handler(ready);
    ClusterView cluster = new ClusterView(vertx);
    ScalingSignal scaling = new ScalingSignal(cluster, new ScalingPolicy(config.scaling()), registry);
    scalingTimer = vertx.setPeriodic(SCALING_REFRESH_MILLIS, id -> scaling.decide());
    AdminApi admin = new AdminApi(credentials, services, cluster, scaling);
    if (!http.publicMetrics()) {
      router.get("/metrics").handler(admin::authenticate);
    }
    router.get("/metrics").handler(PrometheusScrapingHandler.create(registry));
    new TenantApi(config, credentials, services).mount(router);
    admin.mount(router);
    router.route().failureHandler(this::failure);
    router.errorHandler(404, ctx -> ProblemResponses.send(ctx, ProblemType.NOT_FOUND.problem("No such route")));
    router.errorHandler(405, ctx -> ProblemResponses.send(ctx,
        ProblemType.METHOD_NOT_ALLOWED.problem("This route does not accept " + ctx.request().method())));

    HttpServerOptions options = new HttpServerOptions().setHost(http.host()).setPort(http.port())
        .setIdleTimeout((int) http.idleTimeout().toSeconds()).setIdleTimeoutUnit(TimeUnit.SECONDS)
        .setMaxHeaderSize(MAX_HEADER_BYTES).setCompressionSupported(true);
    return vertx.createHttpServer(options).requestHandler(router).listen().onSuccess(s -> server = s);
  }

  /** Every response carries {@code X-Request-Id}, and every request one access-log line. */
  private void tagRequest(RoutingContext ctx) {
    String requestId = RequestIds.choose(ctx.request().getHeader("X-Request-Id"));
    ctx.put(PlatformServices.REQUEST_ID_KEY, requestId);
    ctx.response().putHeader("X-Request-Id", requestId);
    AccessLog.install(ctx);
    ctx.next();
  }

  private void failure(RoutingContext ctx) {
    if (ctx.failure() != null) {
      ProblemResponses.send(ctx, Problem.fromFailure(ctx.failure()));
      return;
    }
    ProblemType type = switch (ctx.statusCode()) {
      case 413 -> ProblemType.PAYLOAD_TOO_LARGE;
      case 415 -> ProblemType.UNSUPPORTED_MEDIA_TYPE;
      case 400 -> ProblemType.BAD_REQUEST;
      case 401 -> ProblemType.UNAUTHORIZED;
      case 404 -> ProblemType.NOT_FOUND;
      case 405 -> ProblemType.METHOD_NOT_ALLOWED;
      default -> ProblemType.INTERNAL;
    };
    ProblemResponses.send(ctx, type.problem(type.title()));
  }

  /** Port the server listens on (useful when configured with port 0). */
  public int actualPort() {
    return server.actualPort();
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(scalingTimer);
    Future<Void> closed = server == null ? Future.succeededFuture() : server.shutdown(5, TimeUnit.SECONDS);
    return closed.eventually(() -> readiness.close());
  }
}
