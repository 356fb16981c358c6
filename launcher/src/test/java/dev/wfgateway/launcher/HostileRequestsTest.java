package dev.wfgateway.launcher;

import static dev.wfgateway.launcher.ProblemAssert.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import dev.wfgateway.testkit.Await;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Malformed requests of every kind, each answered with its 4xx problem, and the platform healthy
 * and serving afterwards.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MalformedRequestsTest {
  private static final String ACME = ConfiguredPlatform.ACME_KEY;
  private static final String ADMIN = ConfiguredPlatform.ADMIN_TOKEN;
  private static final String RUNS = "/v1/workflows/" + EdgePlatform.ECHO + "/runs";
  private static final String JSON = "application/json";

  @RegisterExtension
  static final PerClass<EdgePlatform> edge = PerClass.of(EdgePlatform::new);



  /** One malformed request and the problem it must get. */
  record Row(String name, HttpMethod method, String path, String credential, Map<String, String> headers,
      Buffer body, int status, String type) {
    @Override
    public String toString() {
      return name;
    }

    Row header(String name, String value) {
      Map<String, String> more = new LinkedHashMap<>(headers);
      more.put(name, value);
      return new Row(this.name, method, path, credential, more, body, status, type);
    }
  }

  private static Row row(String name, HttpMethod method, String path, int status, String type) {
    return new Row(name, method, path, ACME, Map.of(), null, status, type);
  }

  private static Row as(String credential, String name, HttpMethod method, String path, int status, String type) {
    return new Row(name, method, path, credential, Map.of(), null, status, type);
  }

  private static Row submit(String name, String contentType, Buffer body, int status, String type) {
    return new Row(name, HttpMethod.POST, RUNS, ACME, contentType == null ? Map.of() : Map.of("Content-Type",
        contentType), body, status, type);
  }

  private static Row json(String name, String body, int status, String type) {
    return submit(name, JSON, Buffer.buffer(body), status, type);
  }

  private static Row input(String name, String input) {
    return json(name, "{\"input\":" + input + "}", 400, "validation-failed");
  }

  private static String nested(String open, String close, int depth) {
    return open.repeat(depth) + close.repeat(depth);
  }

  static Stream<Row> rows() {
    List<Row> rows = new ArrayList<>();
    // bodies that are not the {"input": {...}} object
    rows.add(json("body is an array", "[]", 400, "validation-failed"));
    rows.add(json("body is a string", "\"text\"", 400, "validation-failed"));
    rows.add(json("body is a number", "42", 400, "validation-failed"));
    rows.add(json("body is null", "null", 400, "validation-failed"));
    rows.add(json("input is an array", "{\"input\":[]}", 400, "validation-failed"));
    rows.add(json("input is a string", "{\"input\":\"x\"}", 400, "validation-failed"));
    rows.add(json("input is a number", "{\"input\":1}", 400, "validation-failed"));
    rows.add(json("unknown top-level field", "{\"inputs\":{}}", 400, "validation-failed"));
    rows.add(json("extra top-level field", "{\"input\":{},\"tenant\":\"globex\"}", 400, "validation-failed"));
    // bodies that are not JSON at all
    rows.add(json("unterminated object", "{\"input\": {", 400, "malformed-json"));
    rows.add(json("single-quoted names", "{'input': {}}", 400, "malformed-json"));
    rows.add(json("trailing garbage", "{\"input\": {}} trailing", 400, "malformed-json"));
    rows.add(json("NaN", "{\"input\": {\"amount\": NaN}}", 400, "malformed-json"));
    rows.add(json("unquoted field name", "{input: {}}", 400, "malformed-json"));
    rows.add(json("leading zero", "{\"input\": {\"amount\": 01}}", 400, "malformed-json"));
    rows.add(json("bare word", "input", 400, "malformed-json"));
    rows.add(json("10,000 nested arrays", "{\"input\":{\"a\":" + nested("[", "]", 10_000) + "}}", 400,
        "validation-failed"));
    rows.add(json("10,000 nested objects", "{\"input\":" + nested("{\"a\":", "}", 10_000).replace(":}", ":1}")
        + "}", 400, "validation-failed"));
    rows.add(json("input 65 levels deep (http.maxJsonDepth 64)", "{\"input\":{\"a\":" + nested("[", "]", 64) + "}}",
        400, "validation-failed"));
    rows.add(submit("invalid UTF-8", JSON, Buffer.buffer(new byte[] {'{', '"', (byte) 0xC3, 0x28, '"', ':', '1', '}'}),
        400, "malformed-json"));
    rows.add(submit("encoded null byte in the body", JSON, Buffer.buffer("{\"input\":{\"name\":\"a\u0000b\"}}"), 400,
        "malformed-json"));
    // JSON that fails the workflow's schema
    rows.add(input("number as a string", "{\"amount\":\"5\"}"));
    rows.add(input("fraction for an integer", "{\"amount\":1.5}"));
    rows.add(input("boolean for an integer", "{\"amount\":true}"));
    rows.add(input("object for a string", "{\"name\":{}}"));
    rows.add(input("integer over the maximum", "{\"amount\":1001}"));
    rows.add(input("huge integer", "{\"amount\":123456789012345678901234567890}"));
    rows.add(input("huge exponent", "{\"amount\":1e999999}"));
    rows.add(input("string over maxLength", "{\"name\":\"" + "n".repeat(65) + "\"}"));
    rows.add(new Row("missing lock key", HttpMethod.POST, "/v1/workflows/" + EdgePlatform.LOCKED + "/runs", ACME,
        Map.of("Content-Type", JSON), Buffer.buffer("{\"input\":{}}"), 400, "validation-failed"));
    // bodies sent as something else than JSON, or too large
    rows.add(submit("text/plain", "text/plain", Buffer.buffer("{\"input\":{}}"), 415, "unsupported-media-type"));
    rows.add(submit("application/xml", "application/xml", Buffer.buffer("<input/>"), 415, "unsupported-media-type"));
    rows.add(submit("text/json", "text/json", Buffer.buffer("{\"input\":{}}"), 415, "unsupported-media-type"));
    rows.add(submit("form", "application/x-www-form-urlencoded", Buffer.buffer("input=1"), 415,
        "unsupported-media-type"));
    rows.add(submit("no Content-Type", null, Buffer.buffer("{\"input\":{}}"), 415, "unsupported-media-type"));
    rows.add(submit("body over the limit", JSON, Buffer.buffer("{\"input\":{\"name\":\""
        + "x".repeat(EdgePlatform.MAX_BODY_BYTES) + "\"}}"), 413, "payload-too-large"));
    // bad headers
    rows.add(json("empty Idempotency-Key", "{\"input\":{}}", 400, "invalid-idempotency-key")
        .header("Idempotency-Key", ""));
    rows.add(json("256-character Idempotency-Key", "{\"input\":{}}", 400, "invalid-idempotency-key")
        .header("Idempotency-Key", "k".repeat(256)));
    rows.add(json("non-ASCII Idempotency-Key", "{\"input\":{}}", 400, "invalid-idempotency-key")
        .header("Idempotency-Key", "\u00fcber"));
    rows.add(as(null, "no Authorization", HttpMethod.GET, "/v1/dlq", 401, "unauthorized"));
    rows.add(row("Bearer without a key", HttpMethod.GET, "/v1/dlq", 401, "unauthorized")
        .header("Authorization", "Bearer"));
    rows.add(row("Basic credentials", HttpMethod.GET, "/v1/dlq", 401, "unauthorized")
        .header("Authorization", "Basic YWNtZTphY21l"));
    rows.add(row("8 KiB bearer token", HttpMethod.GET, "/v1/dlq", 401, "unauthorized")
        .header("Authorization", "Bearer " + "t".repeat(8192)));
    rows.add(as("acme-revoked-key", "revoked key", HttpMethod.GET, "/v1/dlq", 401, "unauthorized"));
    rows.add(as("acme-expired-key", "expired key", HttpMethod.GET, "/v1/dlq", 401, "unauthorized"));
    rows.add(as(ADMIN, "admin token on a tenant route", HttpMethod.GET, "/v1/dlq", 401, "unauthorized"));
    rows.add(as(ACME, "tenant key on an admin route", HttpMethod.GET, "/admin/dlq/stats", 401, "unauthorized"));
    rows.add(as(null, "no token on an admin route", HttpMethod.GET, "/admin/cluster", 401, "unauthorized"));
    // path tricks
    rows.add(row("encoded traversal in a run id", HttpMethod.GET, "/v1/runs/..%2F..%2Fadmin", 404, "not-found"));
    rows.add(row("dot segments into admin", HttpMethod.GET, "/v1/../admin/cluster", 401, "unauthorized"));
    rows.add(row("double slash", HttpMethod.GET, "//v1/runs", 404, "not-found"));
    rows.add(row("encoded null in a run id", HttpMethod.GET, "/v1/runs/%00", 404, "not-found"));
    rows.add(row("encoded null in a workflow", HttpMethod.POST, "/v1/workflows/%00/runs", 404, "not-found"));
    rows.add(row("empty run id", HttpMethod.GET, "/v1/runs/", 404, "not-found"));
    rows.add(row("upper-case path", HttpMethod.GET, "/V1/DLQ", 404, "not-found"));
    rows.add(row("very long path", HttpMethod.GET, "/v1/" + "a".repeat(3_000), 404, "not-found"));
    rows.add(row("encoded dots as a DLQ id", HttpMethod.POST, "/v1/dlq/%2e%2e/retry", 404, "not-found"));
    rows.add(row("unknown workflow", HttpMethod.POST, "/v1/workflows/no-such-workflow/runs", 404, "not-found"));
    // query parameters
    rows.add(row("limit=abc", HttpMethod.GET, "/v1/dlq?limit=abc", 400, "validation-failed"));
    rows.add(row("limit=0", HttpMethod.GET, "/v1/dlq?limit=0", 400, "validation-failed"));
    rows.add(row("limit=501", HttpMethod.GET, "/v1/dlq?limit=501", 400, "validation-failed"));
    rows.add(row("limit=-1", HttpMethod.GET, "/v1/dlq?limit=-1", 400, "validation-failed"));
    rows.add(row("limit=1e2", HttpMethod.GET, "/v1/dlq?limit=1e2", 400, "validation-failed"));
    rows.add(row("limit beyond long", HttpMethod.GET, "/v1/dlq?limit=99999999999999999999", 400,
        "validation-failed"));
    rows.add(row("limit twice", HttpMethod.GET, "/v1/dlq?limit=5&limit=6", 400, "validation-failed"));
    rows.add(row("reason=nope", HttpMethod.GET, "/v1/dlq?reason=nope", 400, "validation-failed"));
    rows.add(row("workflow twice", HttpMethod.GET, "/v1/dlq?workflow=a&workflow=b", 400, "validation-failed"));
    rows.add(row("naming another tenant", HttpMethod.GET, "/v1/dlq?tenant=globex", 400, "validation-failed"));
    rows.add(row("limit on a bulk delete", HttpMethod.DELETE, "/v1/dlq?limit=1", 400, "validation-failed"));
    rows.add(row("reason=nope on a bulk retry", HttpMethod.POST, "/v1/dlq/retry?reason=nope", 400,
        "validation-failed"));
    rows.add(as(ADMIN, "admin limit=abc", HttpMethod.GET, "/admin/dlq?limit=abc", 400, "validation-failed"));
    // bodies where none belongs, and methods a path does not take
    rows.add(new Row("a body on GET", HttpMethod.GET, "/v1/runs/r-1", ACME, Map.of("Content-Type", JSON),
        Buffer.buffer("{\"input\":{}}"), 400, "bad-request"));
    rows.add(new Row("a body on DELETE", HttpMethod.DELETE, "/v1/dlq/d-1", ACME, Map.of("Content-Type", JSON),
        Buffer.buffer("{}"), 400, "bad-request"));
    rows.add(row("PUT on a run", HttpMethod.PUT, "/v1/runs/r-1", 405, "method-not-allowed"));
    rows.add(row("OPTIONS on the DLQ", HttpMethod.OPTIONS, "/v1/dlq", 405, "method-not-allowed"));
    rows.add(row("GET on the submit route", HttpMethod.GET, RUNS, 405, "method-not-allowed"));
    rows.add(as(ADMIN, "unknown circuit breaker", HttpMethod.POST, "/admin/circuit-breakers/nope/reset", 404,
        "not-found"));
    return rows.stream();
  }

  @Test
  @Order(1)
  void theTableHoldsAtLeastFiftyRequests() {
    assertThat(rows().count()).isGreaterThanOrEqualTo(50);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  @Order(2)
  void eachMalformedRequestGetsItsProblem(Row row) {
    HttpRequest<Buffer> request = row.credential() == null ? edge.get().request(row.method(), row.path())
        : edge.get().as(row.credential(), row.method(), row.path());
    row.headers().forEach(request::putHeader);
    HttpResponse<Buffer> response = Await.result(row.body() == null ? request.send() : request.sendBuffer(row.body()));

    assertProblem(response, row.status(), row.type());
  }

  @Test
  @Order(3)
  void thePlatformIsHealthyAndServingAfterwards() {
    HttpResponse<Buffer> ready = edge.get().send(edge.get().request(HttpMethod.GET, "/health/ready"));
    assertThat(ready.statusCode()).as(ready.bodyAsString()).isEqualTo(200);

    HttpResponse<Buffer> run = edge.get().submit(ACME, EdgePlatform.ECHO, new JsonObject().put("amount", 5));
    assertThat(run.statusCode()).as(run.bodyAsString()).isEqualTo(200);
    assertThat(run.bodyAsJsonObject().getString("status")).isEqualTo("succeeded");
  }
}
