package dev.wfgateway.gateway;

import static dev.wfgateway.gateway.GatewayFixtures.assertProblem;
import static dev.wfgateway.gateway.GatewayFixtures.onlyError;
import static dev.wfgateway.gateway.GatewayFixtures.then;
import static org.assertj.core.api.Assertions.assertThat;

import dev.wfgateway.common.ProblemType;
import dev.wfgateway.testkit.TestVertx;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every rule {@link RequestInput} applies to what a client sent, through a real server whose
 * routes each apply one rule and echo what it read; a refusal is answered as the gateway answers
 * it. The exact problem type, status, detail and pointer are asserted.
 */
@ExtendWith(VertxExtension.class)
class RequestInputTest {
  private static final int MAX_DEPTH = 3;

  private static Vertx vertx;
  private static int port;
  private static WebClient client;

  @BeforeAll
  static void start(VertxTestContext test) {
    vertx = TestVertx.create();
    Router router = Router.router(vertx);
    router.route().handler(BodyHandler.create(false));
    router.route().handler(RequestInput::refuseUnexpectedBody);
    echo(router, "/body", ctx -> new JsonObject().put("passed", true));
    echo(router, "/input", ctx -> RequestInput.runInput(ctx, MAX_DEPTH));
    echo(router, "/key", ctx -> new JsonObject().put("key", RequestInput.idempotencyKey(ctx)));
    echo(router, "/prefer", ctx -> new JsonObject().put("async", RequestInput.prefersAsync(ctx)));
    echo(router, "/tenant-dlq", ctx -> RequestInput.dlqFilter(ctx, "acme", RequestInput.PAGE_PARAMETERS).toJson());
    echo(router, "/bulk-dlq", ctx -> RequestInput.dlqFilter(ctx, "acme", Set.of()).toJson());
    echo(router, "/admin-dlq", ctx -> RequestInput.dlqFilter(ctx, null, Set.of("tenant")).toJson());
    echo(router, "/page", ctx -> RequestInput.page(ctx, new JsonObject().put("tenant", "acme")));
    echo(router, "/reset", ctx -> {
      RequestInput.allowOnly(ctx, Set.of("tenant"));
      return new JsonObject().put("passed", true);
    });
    router.route().failureHandler(ctx -> ProblemResponses.fail(ctx, ctx.failure()));
    vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1")
        .onComplete(test.succeeding(server -> {
          port = server.actualPort();
          client = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port));
          test.completeNow();
        }));
  }

  @AfterAll
  static void stop() throws Exception {
    TestVertx.close(vertx);
  }

  private static void echo(Router router, String path, Function<RoutingContext, JsonObject> rule) {
    router.route(path).handler(ctx -> ctx.response().putHeader("Content-Type", "application/json")
        .end(rule.apply(ctx).encode()));
  }

  private static HttpRequest<Buffer> get(String uri) {
    return client.request(HttpMethod.GET, uri);
  }

  private static Future<HttpResponse<Buffer>> postJson(String uri, String body) {
    return client.request(HttpMethod.POST, uri).putHeader("Content-Type", "application/json")
        .sendBuffer(Buffer.buffer(body));
  }

  private static void assertInvalid(HttpResponse<Buffer> response, String path, String pointer, String message) {
    JsonObject problem = assertProblem(response, ProblemType.VALIDATION_FAILED, path);
    assertThat(problem.getString("detail")).isEqualTo(message);
    assertThat(onlyError(problem)).isEqualTo(new JsonObject().put("pointer", pointer).put("message", message));
  }

  private static JsonObject okBody(HttpResponse<Buffer> response) {
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    return response.bodyAsJsonObject();
  }

  // ---- a body where none belongs

  @ParameterizedTest
  @ValueSource(strings = {"GET", "DELETE"})
  void aBodyOnARequestThatTakesNoneIsRefused(String method, VertxTestContext test) {
    client.request(HttpMethod.valueOf(method), "/body").sendBuffer(Buffer.buffer("x"))
        .onComplete(then(test, response -> assertThat(assertProblem(response, ProblemType.BAD_REQUEST, "/body")
            .getString("detail")).isEqualTo(method + " requests take no body")));
  }

  @Test
  void aHeadWithABodyIsRefused(VertxTestContext test) {
    client.request(HttpMethod.HEAD, "/body").sendBuffer(Buffer.buffer("x"))
        .onComplete(then(test, response -> assertThat(response.statusCode()).isEqualTo(400)));
  }

  /** An empty chunked body is still a body: the framing says one was sent. */
  @Test
  void anEmptyChunkedBodyOnAGetIsRefused(VertxTestContext test) {
    HttpClient http = vertx.createHttpClient();
    http.request(new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1")
            .setPort(port).setURI("/body"))
        .compose(request -> request.setChunked(true).send())
        .compose(response -> response.body().map(body -> new Object[] {response.statusCode(), body.toString()}))
        .onComplete(then(test, answer -> {
          assertThat(answer[0]).isEqualTo(400);
          assertThat(new JsonObject((String) answer[1]).getString("detail")).isEqualTo("GET requests take no body");
        }));
  }

  @Test
  void aGetWithoutBodyAndAPostWithOnePass(VertxTestContext test) {
    get("/body").send()
        .compose(response -> {
          test.verify(() -> assertThat(okBody(response).getBoolean("passed")).isTrue());
          return postJson("/body", "{}");
        })
        .onComplete(then(test, response -> assertThat(okBody(response).getBoolean("passed")).isTrue()));
  }

  // ---- the run's input

  @Test
  void theInputIsTheBodysInputObject(VertxTestContext test) {
    postJson("/input", "{\"input\": {\"eventId\": \"e-1\", \"n\": 2}}")
        .onComplete(then(test, response -> assertThat(okBody(response))
            .isEqualTo(new JsonObject().put("eventId", "e-1").put("n", 2))));
  }

  @Test
  void anEmptyBodyANullInputAndAnEmptyEnvelopeAreAnEmptyInput(VertxTestContext test) {
    client.request(HttpMethod.POST, "/input").send()
        .compose(empty -> postJson("/input", "{\"input\": null}").map(nullInput -> new JsonObject[] {
            okBody(empty), okBody(nullInput)}))
        .compose(first -> postJson("/input", "{}").map(envelope -> new JsonObject[] {first[0], first[1], okBody(envelope)}))
        .onComplete(then(test, inputs -> assertThat(inputs).containsOnly(new JsonObject())));
  }

  @Test
  void aBodyWithoutContentTypeIsRefused(VertxTestContext test) {
    client.request(HttpMethod.POST, "/input").sendBuffer(Buffer.buffer("{\"input\": {}}"))
        .onComplete(then(test, response -> assertThat(assertProblem(response, ProblemType.UNSUPPORTED_MEDIA_TYPE,
            "/input").getString("detail")).isEqualTo("Send the body as application/json (got no Content-Type)")));
  }

  @Test
  void aBodyThatIsNotAnObjectIsRefusedAtTheRoot(VertxTestContext test) {
    postJson("/input", "[{\"input\": {}}]").onComplete(then(test, response -> assertInvalid(response, "/input", "",
        "The body must be a JSON object such as {\"input\": {...}}")));
  }

  @Test
  void aFieldBesidesInputIsRefusedWhereItIs(VertxTestContext test) {
    postJson("/input", "{\"input\": {}, \"priority\": 1}").onComplete(then(test, response -> assertInvalid(response,
        "/input", "/priority", "Unknown field 'priority'; the body is {\"input\": {...}}")));
  }

  @ParameterizedTest
  @ValueSource(strings = {"[]", "\"text\"", "1", "true"})
  void anInputThatIsNotAnObjectIsRefused(String input, VertxTestContext test) {
    postJson("/input", "{\"input\": " + input + "}").onComplete(then(test, response -> assertInvalid(response,
        "/input", "/input", "input must be a JSON object")));
  }

  @Test
  void malformedJsonIsRefusedAsSuch(VertxTestContext test) {
    postJson("/input", "{\"input\": ").onComplete(then(test, response ->
        assertProblem(response, ProblemType.MALFORMED_JSON, "/input")));
  }

  /** The envelope does not count: an input as deep as the limit passes, one level more is refused where it starts. */
  @Test
  void theDepthLimitCountsTheInputNotItsEnvelope(VertxTestContext test) {
    postJson("/input", "{\"input\": {\"a\": {\"b\": {}}}}")
        .compose(deepest -> {
          test.verify(() -> assertThat(okBody(deepest)).isEqualTo(new JsonObject("{\"a\": {\"b\": {}}}")));
          return postJson("/input", "{\"input\": {\"a\": {\"b\": {\"c\": {}}}}}");
        })
        .onComplete(then(test, tooDeep -> assertInvalid(tooDeep, "/input", "/input/a/b/c",
            "The JSON is nested deeper than " + MAX_DEPTH + " levels")));
  }

  // ---- Idempotency-Key

  @Test
  void anAbsentIdempotencyKeyIsNone(VertxTestContext test) {
    get("/key").send().onComplete(then(test, response ->
        assertThat(okBody(response)).isEqualTo(new JsonObject().putNull("key"))));
  }

  @Test
  void anIdempotencyKeyOf255PrintableCharactersIsTaken(VertxTestContext test) {
    String key = "k ~!" + "x".repeat(251);
    get("/key").putHeader("Idempotency-Key", key).send().onComplete(then(test, response ->
        assertThat(okBody(response).getString("key")).isEqualTo(key)));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "tab\there", "caf\u00e9"})
  void anEmptyOrNonPrintableIdempotencyKeyIsRefused(String key, VertxTestContext test) {
    get("/key").putHeader("Idempotency-Key", key).send().onComplete(then(test, response -> assertThat(
        assertProblem(response, ProblemType.INVALID_IDEMPOTENCY_KEY, "/key").getString("detail"))
        .isEqualTo("Idempotency-Key must be 1 to 255 printable ASCII characters")));
  }

  @Test
  void anIdempotencyKeyOf256CharactersIsRefused(VertxTestContext test) {
    get("/key").putHeader("Idempotency-Key", "x".repeat(256)).send().onComplete(then(test, response ->
        assertProblem(response, ProblemType.INVALID_IDEMPOTENCY_KEY, "/key")));
  }

  // ---- Prefer

  @ParameterizedTest
  @ValueSource(strings = {"respond-async", "RESPOND-ASYNC", "wait=10, respond-async", "respond-async; wait=5",
      " respond-async ;wait=5"})
  void respondAsyncIsPreferredAmongOtherPreferences(String prefer, VertxTestContext test) {
    get("/prefer").putHeader("Prefer", prefer).send().onComplete(then(test, response ->
        assertThat(okBody(response).getBoolean("async")).isTrue()));
  }

  @Test
  void respondAsyncInASecondPreferFieldCounts(VertxTestContext test) {
    get("/prefer").putHeader("Prefer", List.of("return=minimal", "respond-async")).send()
        .onComplete(then(test, response -> assertThat(okBody(response).getBoolean("async")).isTrue()));
  }

  @ParameterizedTest
  @ValueSource(strings = {"wait=10", "respond-asynchronously", "handling=lenient; respond-async", "return=respond-async"})
  void anythingElseIsNotAPreferenceForAsync(String prefer, VertxTestContext test) {
    get("/prefer").putHeader("Prefer", prefer).send().onComplete(then(test, response ->
        assertThat(okBody(response).getBoolean("async")).isFalse()));
  }

  @Test
  void withoutPreferTheRunIsSync(VertxTestContext test) {
    get("/prefer").send().onComplete(then(test, response -> assertThat(okBody(response).getBoolean("async")).isFalse()));
  }

  // ---- DLQ filters

  @Test
  void aFilterCarriesTheTenantAndEveryFilterParameter(VertxTestContext test) {
    get("/tenant-dlq?workflow=orders&reason=timeout&q=boom&limit=5&cursor=c1").send().onComplete(then(test, response ->
        assertThat(okBody(response)).isEqualTo(new JsonObject().put("tenant", "acme").put("workflow", "orders")
            .put("reason", "timeout").put("q", "boom"))));
  }

  @Test
  void anEmptyParameterFiltersNothing(VertxTestContext test) {
    get("/tenant-dlq?workflow=&q=").send().onComplete(then(test, response ->
        assertThat(okBody(response)).isEqualTo(new JsonObject().put("tenant", "acme"))));
  }

  @Test
  void anAdminFilterHasNoTenantUnlessTheRouteAddsOne(VertxTestContext test) {
    get("/admin-dlq?tenant=globex&reason=rejected").send().onComplete(then(test, response ->
        assertThat(okBody(response)).isEqualTo(new JsonObject().put("reason", "rejected"))));
  }

  @ParameterizedTest
  @ValueSource(strings = {"step_failed", "timeout", "circuit_open", "lock_lost", "rejected"})
  void everyDeadLetterReasonIsAFilter(String reason, VertxTestContext test) {
    get("/tenant-dlq?reason=" + reason).send().onComplete(then(test, response ->
        assertThat(okBody(response).getString("reason")).isEqualTo(reason)));
  }

  @ParameterizedTest
  @ValueSource(strings = {"TIMEOUT", "Timeout", "tImEoUt"})
  void aReasonInAnyCaseFiltersByItsWireName(String reason, VertxTestContext test) {
    get("/tenant-dlq?reason=" + reason).send().onComplete(then(test, response ->
        assertThat(okBody(response).getString("reason")).isEqualTo("timeout")));
  }

  @Test
  void anUnknownReasonIsRefused(VertxTestContext test) {
    get("/tenant-dlq?reason=exploded").send().onComplete(then(test, response -> assertInvalid(response, "/tenant-dlq",
        "reason", "reason must be one of step_failed, timeout, circuit_open, lock_lost, rejected")));
  }

  @Test
  void anUnknownParameterIsRefusedByName(VertxTestContext test) {
    get("/tenant-dlq?workflow=orders&status=failed").send().onComplete(then(test, response -> assertInvalid(response,
        "/tenant-dlq", "status", "unknown query parameter 'status'")));
  }

  /** A bulk retry or delete must not ignore a parameter the client believed would narrow it. */
  @Test
  void aBulkFilterRefusesThePagingParameters(VertxTestContext test) {
    get("/bulk-dlq?workflow=orders&limit=5").send().onComplete(then(test, response -> assertInvalid(response,
        "/bulk-dlq", "limit", "unknown query parameter 'limit'")));
  }

  @ParameterizedTest
  @ValueSource(strings = {"workflow", "reason", "q"})
  void aFilterParameterGivenTwiceIsRefused(String name, VertxTestContext test) {
    get("/tenant-dlq?" + name + "=timeout&" + name + "=rejected").send().onComplete(then(test, response ->
        assertInvalid(response, "/tenant-dlq", name, "give " + name + " at most once")));
  }

  // ---- paging

  @Test
  void aPageTakesALimitFrom1To500AndACursor(VertxTestContext test) {
    get("/page?limit=1&cursor=opaque-1").send()
        .compose(smallest -> get("/page?limit=500").send().map(largest -> new JsonObject[] {okBody(smallest),
            okBody(largest)}))
        .onComplete(then(test, pages -> {
          assertThat(pages[0]).isEqualTo(new JsonObject().put("tenant", "acme").put("limit", 1).put("cursor", "opaque-1"));
          assertThat(pages[1]).isEqualTo(new JsonObject().put("tenant", "acme").put("limit", 500));
        }));
  }

  @Test
  void withoutLimitOrCursorThePageIsTheQueryAsItWas(VertxTestContext test) {
    get("/page?limit=&cursor=").send().onComplete(then(test, response ->
        assertThat(okBody(response)).isEqualTo(new JsonObject().put("tenant", "acme"))));
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "501", "-1", "ten", "1.5", "99999999999"})
  void aLimitOutsideTheRangeOrNotAWholeNumberIsRefused(String limit, VertxTestContext test) {
    get("/page?limit=" + limit).send().onComplete(then(test, response -> assertInvalid(response, "/page", "limit",
        "limit must be a whole number from 1 to " + RequestInput.MAX_PAGE)));
  }

  @Test
  void aCursorGivenTwiceIsRefused(VertxTestContext test) {
    get("/page?cursor=a&cursor=b").send().onComplete(then(test, response -> assertInvalid(response, "/page", "cursor",
        "give cursor at most once")));
  }

  // ---- allowOnly

  @Test
  void onlyTheAllowedParametersPass(VertxTestContext test) {
    get("/reset?tenant=acme").send()
        .compose(allowed -> {
          test.verify(() -> assertThat(okBody(allowed).getBoolean("passed")).isTrue());
          return get("/reset?tenant=acme&force=true").send();
        })
        .onComplete(then(test, refused -> assertInvalid(refused, "/reset", "force", "unknown query parameter 'force'")));
  }
}
