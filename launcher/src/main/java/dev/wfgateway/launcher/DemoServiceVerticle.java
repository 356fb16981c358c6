package dev.wfgateway.launcher;

import dev.wfgateway.common.Headers;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * DEMO ONLY: the example services the demo workflows call.
 * <ul>
 *   <li>{@code demo.greet} (event bus) answers a greeting for {@code input.name};</li>
 *   <li>{@code POST /stamp} (HTTP, on a free loopback port) stamps the payload with a time;</li>
 *   <li>{@code demo.flaky} (event bus) fails with 503 on the first {@code input.failAttempts}
 *       attempts of each run (all of them when absent), so a run shows retries, and by default
 *       ends in the DLQ, and repeated failures trip the breaker;</li>
 *   <li>the services of {@code demo-checkout}: {@link DemoCheckoutServices}.</li>
 * </ul>
 */
final class DemoServiceVerticle extends VerticleBase {
  static final String GREET = "demo.greet";
  static final String FLAKY = "demo.flaky";
  static final String STAMP_PATH = "/stamp";
  private static final int REMEMBERED_RUNS = 10_000;

  private final Map<String, Integer> attemptsByRun = new LinkedHashMap<>(16, 0.75f, false) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Integer> eldest) {
      return size() > REMEMBERED_RUNS;
    }
  };
  private HttpServer server;

  @Override
  public Future<?> start() {
    vertx.eventBus().<JsonObject>consumer(GREET, message -> {
      JsonObject input = message.body().getJsonObject("input", new JsonObject());
      message.reply(new JsonObject().put("greeting", "Hello, " + input.getString("name", "world") + "!"));
    });
    vertx.eventBus().<JsonObject>consumer(FLAKY, message -> {
      JsonObject input = message.body().getJsonObject("input", new JsonObject());
      String run = message.headers().get(Headers.RUN_ID);
      int attempt = attemptsByRun.merge(run == null ? "" : run, 1, Integer::sum);
      Object failAttempts = input.getValue("failAttempts");
      boolean fail = !(failAttempts instanceof Number n) || attempt <= n.intValue();
      if (fail) {
        message.fail(503, "demo payment service unavailable (attempt " + attempt + ")");
      } else {
        message.reply(new JsonObject().put("charged", true).put("attempt", attempt));
      }
    });
    DemoCheckoutServices.registerFraud(vertx.eventBus());
    Map<String, DemoEndpoint> endpoints = new HashMap<>(DemoCheckoutServices.endpoints());
    endpoints.put(STAMP_PATH, (request, payload) -> DemoEndpoint.ok(new JsonObject()
        .put("stampedAt", Instant.now().toString())
        .put("fencingToken", request.getHeader(Headers.FENCING_TOKEN))
        .put("steps", payload.getJsonObject("steps", new JsonObject()).fieldNames().size())));
    return vertx.createHttpServer()
        .requestHandler(request -> request.body()
            .onSuccess(body -> serve(endpoints.get(request.path()), request, body)))
        .listen(0, "127.0.0.1")
        .onSuccess(s -> server = s);
  }

  private static void serve(DemoEndpoint endpoint, HttpServerRequest request, Buffer body) {
    if (endpoint == null) {
      request.response().setStatusCode(404).end();
      return;
    }
    DemoEndpoint.Answer answer;
    try {
      answer = endpoint.answer(request, body.length() == 0 ? new JsonObject() : body.toJsonObject());
    } catch (DecodeException | ClassCastException e) {
      answer = new DemoEndpoint.Answer(400,
          new JsonObject().put("error", "the body is not the JSON object this demo service expects"));
    }
    request.response().setStatusCode(answer.status()).putHeader("Content-Type", "application/json")
        .end(answer.body().encode());
  }

  int httpPort() {
    return server.actualPort();
  }
}
