package dev.wfgateway.bench;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;

/**
 * The trivial downstreams the benchmark workflows call, deployed on the platform's own Vert.x:
 * an event-bus echo on {@link #ECHO_ADDRESS}, and an HTTP server on a free loopback port answering
 * {@code POST /echo} with a small JSON body and {@code GET /floor} with {@code {}} (the bare Vert.x
 * HTTP endpoint every gateway figure is compared with), and {@code POST /slow} like {@code /echo} but
 * after {@link #SLOW_MILLIS}. {@code POST /chaos} behaves as {@link #downstream} says, for the chaos
 * suite.
 */
final class EchoServices extends VerticleBase {
  static final String ECHO_ADDRESS = "bench.echo";
  static final String ECHO_PATH = "/echo";
  static final String FLOOR_PATH = "/floor";
  static final String CHAOS_PATH = "/chaos";
  static final String SLOW_PATH = "/slow";
  static final long SLOW_MILLIS = 200;

  /** How {@code POST /chaos} answers; switched by the chaos suite from its own thread. */
  enum Downstream { HEALTHY, FAILING, HANGING }

  private volatile Downstream downstream = Downstream.HEALTHY;
  private final LockedStepRecorder locked = new LockedStepRecorder();
  private MessageConsumer<Object> echo;
  private HttpServer server;

  @Override
  public Future<?> start() {
    echo = vertx.eventBus().consumer(ECHO_ADDRESS, message -> message.reply(new JsonObject().put("echo", true)));
    server = vertx.createHttpServer().requestHandler(this::handle);
    return echo.completion()
        .compose(v -> server.listen(0, "127.0.0.1"));
  }

  private void handle(HttpServerRequest request) {
    switch (request.path()) {
      case FLOOR_PATH -> request.response().putHeader("Content-Type", "application/json").end("{}");
      case ECHO_PATH -> request.body().onSuccess(body -> request.response()
          .putHeader("Content-Type", "application/json").end("{\"echo\":true}"));
      case SLOW_PATH -> request.body().onSuccess(body -> vertx.setTimer(SLOW_MILLIS, id -> request.response()
          .putHeader("Content-Type", "application/json").end("{\"echo\":true}")));
      case CHAOS_PATH -> chaos(request);
      case LockedStepRecorder.PATH -> locked.enter(vertx, request);
      default -> request.response().setStatusCode(404).end();
    }
  }

  private void chaos(HttpServerRequest request) {
    switch (downstream) {
      case HEALTHY -> request.response().putHeader("Content-Type", "application/json").end("{\"chaos\":\"ok\"}");
      case FAILING -> request.response().setStatusCode(500).end();
      case HANGING -> { } // never answers: the step's timeout is what ends the call
    }
  }

  void downstream(Downstream mode) {
    downstream = mode;
  }

  LockedStepRecorder locked() {
    return locked;
  }

  int httpPort() {
    return server.actualPort();
  }

  @Override
  public Future<?> stop() {
    return echo.unregister().compose(v -> server.close());
  }
}
