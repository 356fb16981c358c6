package dev.wfgateway.gateway;

import dev.wfgateway.common.Problem;
import dev.wfgateway.common.ProblemException;
import dev.wfgateway.common.ProblemType;
import dev.wfgateway.common.config.ConfigException;
import dev.wfgateway.common.config.HttpConfig;
import dev.wfgateway.common.config.PlatformConfig;
import dev.wfgateway.common.service.MessageCodecs;
import dev.wfgateway.common.scaling.ScalingPolicy;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.HttpException;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;
import io.vertx.micrometer.PrometheusScrapingHandler;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/** The HTTP edge: wires the router, the tenant and admin APIs, health and metrics, and the server. */
public final class GatewayVerticle extends VerticleBase {
  /**
   * Node-local address on which the launcher hands a reloaded configuration (JSON) to the gateway,
   * which takes from it the keys, revocations, expiries, admin token, workflow definitions and each
   * tenant's allow-list, and replies when done (or fails 400, naming every problem, and keeps its own).
   */
  public static final String RELOAD_CONFIG = "platform.gateway.reload-config";
  static final String OPENAPI_PATH = "/openapi.yaml";
  static final String OPENAPI_RESOURCE = "/dev/wfgateway/gateway/openapi.yaml";
  private static final Logger LOG = Logger.getLogger(GatewayVerticle.class.getName());
  private static final long SCALING_REFRESH_MILLIS = 5_000;

  private final PrometheusMeterRegistry registry;
  private Router router;
  private HttpServer server;
  private ReadinessChecks readiness;
  private long scalingTimer = -1;
  private ServiceNodes serviceNodes;

  public GatewayVerticle(PrometheusMeterRegistry registry) {
    this.registry = registry;
  }

  @Override
  public Future<?> start() {
    MessageCodecs.register(vertx.eventBus());
    PlatformConfig config = PlatformConfig.fromJson(config());
    HttpConfig http = config.http();
    Clock clock = Clock.systemUTC();
    Credentials credentials = new Credentials(config, clock);
    WorkflowDirectory workflows = new WorkflowDirectory(config);
    vertx.eventBus().<JsonObject>localConsumer(RELOAD_CONFIG, message -> {
      try {
        PlatformConfig newer = PlatformConfig.fromJson(message.body());
        credentials.reload(newer);
        workflows.reload(newer);
        message.reply(null);
      } catch (ConfigException e) {
        message.fail(400, e.getMessage());
      }
    });
    readiness = new ReadinessChecks(vertx, config, registry);
    HttpServerOptions options = new HttpServerOptions().setHost(http.host()).setPort(http.port())
        .setIdleTimeout((int) http.idleTimeout().toMillis()).setIdleTimeoutUnit(TimeUnit.MILLISECONDS)
        .setMaxHeaderSize(RequestIntake.MAX_HEADER_BYTES).setMaxInitialLineLength(RequestIntake.MAX_TARGET_CHARS + 64)
        .setCompressionSupported(true);
    // h2's decoder gets room to spare so that the intake, not a bare 431, holds both protocols to one limit
    options.getInitialSettings().setMaxHeaderListSize(4 * RequestIntake.MAX_HEADER_BYTES);
    if (http.tls() != null) {
      options.setSsl(true).setKeyCertOptions(new PemKeyCertOptions().setCertPath(http.tls().certPem())
          .setKeyPath(http.tls().keyPem()));
    }
    return vertx.executeBlocking(GatewayVerticle::openApiDocument)
        .compose(openApi -> {
          router = routes(config, credentials, workflows, clock, openApi);
          InvalidRequests invalid = new InvalidRequests();
          return vertx.createHttpServer(options).requestHandler(invalid.guarding(router))
              .invalidRequestHandler(invalid::undecodable).listen();
        })
        .onSuccess(s -> server = s);
  }

  private Router routes(PlatformConfig config, Credentials credentials, WorkflowDirectory workflows, Clock clock,
      Buffer openApi) {
    Router router = Router.router(vertx);
    router.route().handler(this::tagRequest);
    router.route().handler(BodyHandler.create(false).setBodyLimit(config.http().maxBodyBytes()));
    router.route().handler(RequestInput::refuseUnexpectedBody);
    HealthCheckHandler live = HealthCheckHandler.create(vertx)
        .register("eventloop", promise -> promise.complete(Status.OK()));
    HealthCheckHandler ready = HealthCheckHandler.createWithHealthChecks(readiness.register(HealthChecks.create(vertx)));
    router.get("/health/live").handler(live);
    router.get("/health/ready").handler(ready);
    router.get("/health").handler(ready);
    router.get(OPENAPI_PATH).handler(ctx -> ctx.response().putHeader("Content-Type", "application/yaml").end(openApi));
    ClusterView cluster = new ClusterView(vertx);
    ScalingSignal scaling = new ScalingSignal(cluster, new ScalingPolicy(config.scaling()), registry);
    scalingTimer = vertx.setPeriodic(SCALING_REFRESH_MILLIS, id -> scaling.decide());
    serviceNodes = new ServiceNodes(vertx, cluster, clock);
    serviceNodes.start();
    PlatformServices services = new PlatformServices(serviceNodes);
    AdminApi admin = new AdminApi(credentials, services, cluster, scaling);
    if (!config.http().publicMetrics()) {
      router.get("/metrics").handler(admin::authenticate);
    }
    router.get("/metrics").handler(PrometheusScrapingHandler.create(registry));
    new TenantApi(config, credentials, workflows, services).mount(router);
    admin.mount(router);
    router.route().failureHandler(this::failure);
    router.errorHandler(404, ctx -> ProblemResponses.send(ctx, ProblemType.NOT_FOUND.problem("No such route")));
    AllowedMethods allowed = new AllowedMethods(router);
    router.errorHandler(405, ctx -> {
      ctx.response().putHeader("Allow", allowed.allow(ctx.normalizedPath()));
      ProblemResponses.send(ctx, ProblemType.METHOD_NOT_ALLOWED
          .problem("This route does not accept " + ctx.request().method()));
    });
    return router;
  }

  /** The OpenAPI 3.1 document served at {@value #OPENAPI_PATH}, from the jar. */
  static Buffer openApiDocument() throws IOException {
    try (InputStream in = GatewayVerticle.class.getResourceAsStream(OPENAPI_RESOURCE)) {
      if (in == null) {
        throw new IOException(OPENAPI_RESOURCE + " is missing from the jar");
      }
      return Buffer.buffer(in.readAllBytes());
    }
  }

  /** The routes as mounted, for tests that hold the OpenAPI document to them. */
  Router router() {
    return router;
  }

  /** Every response carries {@code X-Request-Id}, and every request one access-log line. */
  private void tagRequest(RoutingContext ctx) {
    String requestId = RequestIds.choose(ctx.request().getHeader("X-Request-Id"));
    ctx.put(PlatformServices.REQUEST_ID_KEY, requestId);
    ctx.response().putHeader("X-Request-Id", requestId);
    AccessLog.install(ctx);
    if ("close".equals(ctx.response().headers().get("Connection"))) {
      ctx.addEndHandler(ar -> ctx.request().connection().close());
    }
    ctx.next();
  }

  /**
   * Problems and service failures are answered as they are; Vert.x Web's own failures by their
   * status; anything else is a defect: logged here with its stack trace, answered as a bare 500.
   */
  private void failure(RoutingContext ctx) {
    if (ctx.response().closed()) {
      return; // the client went away (or the idle timeout closed it): nobody to answer, nothing wrong here
    }
    Throwable failure = ctx.failure();
    if (failure instanceof ProblemException || failure instanceof ReplyException) {
      ProblemResponses.send(ctx, Problem.fromFailure(failure));
      return;
    }
    int status = failure instanceof HttpException http ? http.getStatusCode() : ctx.statusCode();
    ProblemType type = switch (status) {
      case 400 -> ProblemType.BAD_REQUEST;
      case 401 -> ProblemType.UNAUTHORIZED;
      case 404 -> ProblemType.NOT_FOUND;
      case 405 -> ProblemType.METHOD_NOT_ALLOWED;
      case 413 -> ProblemType.PAYLOAD_TOO_LARGE;
      case 415 -> ProblemType.UNSUPPORTED_MEDIA_TYPE;
      default -> ProblemType.INTERNAL;
    };
    if (type == ProblemType.INTERNAL) {
      LOG.log(Level.WARNING, failure, () -> "request " + ctx.get(PlatformServices.REQUEST_ID_KEY) + " failed");
    }
    ProblemResponses.send(ctx, type.problem(type.title()));
  }

  /** Port the server listens on (useful when configured with port 0). */
  public int actualPort() {
    return server.actualPort();
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(scalingTimer);
    serviceNodes.stop();
    Future<Void> closed = server == null ? Future.succeededFuture() : server.shutdown(5, TimeUnit.SECONDS);
    return closed.eventually(() -> readiness.close());
  }
}
