package dev.wfgateway.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
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
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hostile and malformed requests written byte for byte over raw sockets, on HTTP/1.1 and on h2
 * (prior knowledge) where the protocol allows the same request: each gets its problem, the
 * connection is closed where the framing was ambiguous (and nothing behind such a request is ever
 * answered), kept where it was not; afterwards the node is healthy and serves normally.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HostileRequestsTest {
  private static final String ACME = ConfiguredPlatform.ACME_KEY;
  private static final String ADMIN = ConfiguredPlatform.ADMIN_TOKEN;
  private static final String RUNS = "/v1/workflows/" + EdgePlatform.ECHO + "/runs";
  private static final String JSON = "application/json";
  private static final String LIVE = "GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";

  /** A long idle timeout, so that a connection the test sees closed was closed on purpose. */
  @RegisterExtension
  static final PerClass<EdgePlatform> edge = PerClass.of(dir -> new EdgePlatform(dir, Duration.ofMinutes(2)));

  /** One malformed request, as both protocols can carry it, and the problem it must get. */
  record Row(String name, HttpMethod method, String path, String credential, Map<String, String> headers,
      Buffer body, int status, String type, boolean h1Only, boolean closesOnHttp11) {
    @Override
    public String toString() {
      return name;
    }

    Row header(String name, String value) {
      Map<String, String> more = new LinkedHashMap<>(headers);
      more.put(name, value);
      return new Row(this.name, method, path, credential, more, body, status, type, h1Only, closesOnHttp11);
    }

    /** Over h2's initial flow-control window: a client would need to honour WINDOW_UPDATEs. */
    Row onlyOnHttp11() {
      return new Row(name, method, path, credential, headers, body, status, type, true, closesOnHttp11);
    }

    /** HTTP/1.1's decoder refuses it itself, and a stream it stopped reading in the middle cannot go on. */
    Row closingOnHttp11() {
      return new Row(name, method, path, credential, headers, body, status, type, h1Only, true);
    }

    Map<String, String> allHeaders() {
      Map<String, String> all = new LinkedHashMap<>();
      if (credential != null) {
        all.put("Authorization", "Bearer " + credential);
      }
      all.putAll(headers);
      return all;
    }

    byte[] http11() {
      StringBuilder head = new StringBuilder(method.name()).append(' ').append(path).append(" HTTP/1.1\r\n")
          .append("Host: 127.0.0.1\r\n");
      allHeaders().forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
      if (body != null) {
        head.append("Content-Length: ").append(body.length()).append("\r\n");
      }
      head.append("\r\n");
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      bytes.writeBytes(head.toString().getBytes(StandardCharsets.UTF_8));
      if (body != null) {
        bytes.writeBytes(body.getBytes());
      }
      return bytes.toByteArray();
    }
  }

  /**
   * Framing only HTTP/1.1 has, written as raw text; {@code closes}: the server must close after
   * answering, and {@code behind} (written once the answer came) is never answered.
   */
  record Framing(String name, String request, String behind, int status, String type, boolean closes) {
    Framing(String name, String request, int status, String type, boolean closes) {
      this(name, request, "", status, type, closes);
    }

    @Override
    public String toString() {
      return name;
    }
  }

  private static Row row(String name, HttpMethod method, String path, int status, String type) {
    return new Row(name, method, path, ACME, Map.of(), null, status, type, false, false);
  }

  private static Row as(String credential, String name, HttpMethod method, String path, int status, String type) {
    return new Row(name, method, path, credential, Map.of(), null, status, type, false, false);
  }

  private static Row submit(String name, String contentType, Buffer body, int status, String type) {
    return new Row(name, HttpMethod.POST, RUNS, ACME, contentType == null ? Map.of() : Map.of("Content-Type",
        contentType), body, status, type, false, false);
  }

  private static Row json(String name, String body, int status, String type) {
    return submit(name, JSON, Buffer.buffer(body), status, type);
  }

  private static Row bytes(String name, int status, String type, int... body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int b : body) {
      out.write(b);
    }
    return submit(name, JSON, Buffer.buffer(out.toByteArray()), status, type);
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
        Map.of("Content-Type", JSON), Buffer.buffer("{\"input\":{}}"), 400, "validation-failed", false, false));
    // bodies sent as something else than JSON, or too large
    rows.add(submit("text/plain", "text/plain", Buffer.buffer("{\"input\":{}}"), 415, "unsupported-media-type"));
    rows.add(submit("application/xml", "application/xml", Buffer.buffer("<input/>"), 415, "unsupported-media-type"));
    rows.add(submit("text/json", "text/json", Buffer.buffer("{\"input\":{}}"), 415, "unsupported-media-type"));
    rows.add(submit("form", "application/x-www-form-urlencoded", Buffer.buffer("input=1"), 415,
        "unsupported-media-type"));
    rows.add(submit("no Content-Type", null, Buffer.buffer("{\"input\":{}}"), 415, "unsupported-media-type"));
    rows.add(submit("body over the limit", JSON, Buffer.buffer("{\"input\":{\"name\":\""
        + "x".repeat(EdgePlatform.MAX_BODY_BYTES) + "\"}}"), 413, "payload-too-large").onlyOnHttp11());
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
        Buffer.buffer("{\"input\":{}}"), 400, "bad-request", false, false));
    rows.add(new Row("a body on DELETE", HttpMethod.DELETE, "/v1/dlq/d-1", ACME, Map.of("Content-Type", JSON),
        Buffer.buffer("{}"), 400, "bad-request", false, false));
    rows.add(row("PUT on a run", HttpMethod.PUT, "/v1/runs/r-1", 405, "method-not-allowed"));
    rows.add(row("OPTIONS on the DLQ", HttpMethod.OPTIONS, "/v1/dlq", 405, "method-not-allowed"));
    rows.add(row("GET on the submit route", HttpMethod.GET, RUNS, 405, "method-not-allowed"));
    rows.add(as(ADMIN, "unknown circuit breaker", HttpMethod.POST, "/admin/circuit-breakers/nope/reset", 404,
        "not-found"));
    // input the platform could not store or give back unchanged
    rows.add(input("number overflowing to infinity", "{\"amount\":1e400}"));
    rows.add(input("negative number overflowing", "{\"n\":-1e400}"));
    rows.add(input("number underflowing to zero", "{\"n\":1e-400}"));
    rows.add(input("escaped lone high surrogate", "{\"name\":\"\\ud800\"}"));
    rows.add(input("escaped lone low surrogate", "{\"name\":\"a\\udc00\"}"));
    rows.add(input("surrogate pair reversed", "{\"name\":\"\\ude00\\ud83d\"}"));
    rows.add(input("duplicate member in the input", "{\"amount\":1,\"amount\":2}"));
    rows.add(json("duplicate input member", "{\"input\":{},\"input\":{\"amount\":1}}", 400, "validation-failed"));
    rows.add(input("input 997 levels deep", "{\"a\":" + nested("[", "]", 996) + "}"));
    rows.add(bytes("overlong UTF-8 solidus", 400, "malformed-json", '{', '"', 'i', 'n', 'p', 'u', 't', '"', ':', '{',
        '"', 'n', 'a', 'm', 'e', '"', ':', '"', 0xC0, 0xAF, '"', '}', '}'));
    rows.add(bytes("UTF-8 encoded surrogate", 400, "malformed-json", '{', '"', 'i', 'n', 'p', 'u', 't', '"', ':', '{',
        '"', 'n', 'a', 'm', 'e', '"', ':', '"', 0xED, 0xA0, 0x80, '"', '}', '}'));
    rows.add(bytes("UTF-8 above U+10FFFF", 400, "malformed-json", '"', 0xF4, 0x90, 0x80, 0x80, '"'));
    rows.add(bytes("truncated UTF-8 sequence", 400, "malformed-json", '{', '"', 0xE2, 0x82, '"', ':', '1', '}'));
    rows.add(json("empty member name", "{\"\":{}}", 400, "validation-failed"));
    rows.add(json("two JSON values", "{\"input\":{}}{\"input\":{}}", 400, "malformed-json"));
    rows.add(json("trailing comma", "{\"input\":{\"amount\":1,}}", 400, "malformed-json"));
    rows.add(json("comment", "{\"input\":{} /* c */}", 400, "malformed-json"));
    rows.add(json("Infinity literal", "{\"input\":{\"amount\":Infinity}}", 400, "malformed-json"));
    rows.add(json("hex number", "{\"input\":{\"amount\":0x10}}", 400, "malformed-json"));
    rows.add(json("raw tab in a string", "{\"input\":{\"name\":\"a\tb\"}}", 400, "malformed-json"));
    rows.add(json("only whitespace", "   ", 400, "malformed-json"));
    // media types and codings
    rows.add(submit("multipart form", "multipart/form-data; boundary=b", Buffer.buffer("--b\r\nContent-Disposition:"
        + " form-data; name=\"input\"\r\n\r\n{}\r\n--b--\r\n"), 415, "unsupported-media-type"));
    rows.add(submit("JSON in UTF-16", "application/json; charset=utf-16", Buffer.buffer("{\"input\":{}}"), 415,
        "unsupported-media-type"));
    rows.add(submit("JSON in Latin-1", "application/json; charset=iso-8859-1", Buffer.buffer("{\"input\":{}}"), 415,
        "unsupported-media-type"));
    rows.add(submit("octet stream", "application/octet-stream", Buffer.buffer("{\"input\":{}}"), 415,
        "unsupported-media-type"));
    rows.add(submit("content type without subtype", "application", Buffer.buffer("{\"input\":{}}"), 415,
        "unsupported-media-type"));
    rows.add(json("gzip content coding", "{\"input\":{}}", 415, "unsupported-media-type")
        .header("Content-Encoding", "gzip"));
    rows.add(new Row("text/plain on a retry", HttpMethod.POST, "/v1/dlq/d-1/retry", ACME,
        Map.of("Content-Type", "text/plain"), Buffer.buffer("x"), 415, "unsupported-media-type", false, false));
    rows.add(new Row("XML on an admin reset", HttpMethod.POST, "/admin/circuit-breakers/x/reset", ADMIN,
        Map.of("Content-Type", "application/xml"), Buffer.buffer("<x/>"), 415, "unsupported-media-type", false, false));
    // expectations
    rows.add(json("Expect: foo", "{\"input\":{}}", 417, "expectation-failed").header("Expect", "foo"));
    rows.add(json("Expect with a key", "{\"input\":{}}", 417, "expectation-failed").header("Expect", "foo")
        .header("Idempotency-Key", "expect-1"));
    rows.add(row("Expect on a GET", HttpMethod.GET, "/v1/dlq", 417, "expectation-failed").header("Expect", "202-accepted"));
    // request targets and header sections over the limits, the same on both protocols
    rows.add(row("bad percent-encoding in a path", HttpMethod.GET, "/v1/runs/%zz", 400, "bad-request"));
    rows.add(row("truncated percent-encoding", HttpMethod.GET, "/v1/runs/abc%4", 400, "bad-request"));
    rows.add(row("percent at the end", HttpMethod.GET, "/v1/runs/abc%", 400, "bad-request"));
    rows.add(row("overlong UTF-8 percent-encoded", HttpMethod.GET, "/v1/runs/%C0%AF", 400, "bad-request"));
    rows.add(row("percent-encoded surrogate", HttpMethod.GET, "/v1/runs/%ED%A0%80", 400, "bad-request"));
    rows.add(row("%u escape", HttpMethod.GET, "/v1/runs/%u0041", 400, "bad-request"));
    rows.add(row("bad percent-encoding in a query", HttpMethod.GET, "/v1/dlq?q=%zz", 400, "bad-request"));
    rows.add(row("invalid UTF-8 in a query", HttpMethod.GET, "/v1/dlq?q=%FF", 400, "bad-request"));
    rows.add(row("request target over 4096 characters", HttpMethod.GET, "/v1/runs/" + "a".repeat(4_100), 414,
        "uri-too-long"));
    rows.add(row("one header of 20 KiB", HttpMethod.GET, "/v1/dlq", 431, "headers-too-large")
        .header("X-Padding", "p".repeat(20_480)).closingOnHttp11());
    rows.add(row("a bearer token of 17 KiB", HttpMethod.GET, "/v1/dlq", 431, "headers-too-large")
        .header("Authorization", "Bearer " + "t".repeat(17_408)).closingOnHttp11());
    Row manyHeaders = row("200 headers of 100 bytes", HttpMethod.GET, "/v1/dlq", 431, "headers-too-large");
    for (int i = 0; i < 200; i++) {
      manyHeaders = manyHeaders.header("X-Many-" + i, "v".repeat(90));
    }
    rows.add(manyHeaders.closingOnHttp11());
    rows.add(row("headers just under the limit", HttpMethod.GET, "/v1/runs/no-such-run", 404, "not-found")
        .header("X-Padding", "p".repeat(15_000)));
    return rows.stream();
  }

  static Stream<Arguments> onBothProtocols() {
    return rows().flatMap(row -> row.h1Only() ? Stream.of(Arguments.of("HTTP/1.1 " + row.name(), row, false))
        : Stream.of(Arguments.of("HTTP/1.1 " + row.name(), row, false), Arguments.of("h2 " + row.name(), row, true)));
  }

  private static final String AUTH = "Authorization: Bearer " + ACME + "\r\n";
  private static final String SUBMIT = "POST " + RUNS + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + AUTH
      + "Content-Type: application/json\r\n";
  /** What a proxy that framed the request differently would take for the next request. */
  private static final String SMUGGLED = "GET /v1/dlq HTTP/1.1\r\nHost: 127.0.0.1\r\n" + AUTH + "\r\n";

  static Stream<Framing> framings() {
    List<Framing> rows = new ArrayList<>();
    for (String coding : List.of("xchunked", "chunked, identity", "gzip, chunked", "identity", "chunked;q=1",
        "x-custom", "chunked\r\nTransfer-Encoding: chunked", "chunked, chunked", ",")) {
      rows.add(new Framing("Transfer-Encoding: " + coding.replace("\r\n", " / "), SUBMIT + "Transfer-Encoding: "
          + coding + "\r\n\r\n", SMUGGLED, 400, "ambiguous-framing", true));
    }
    rows.add(new Framing("Transfer-Encoding on HTTP/1.0", "POST " + RUNS + " HTTP/1.0\r\n" + AUTH
        + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n",
        400, "ambiguous-framing", true));
    rows.add(new Framing("Transfer-Encoding on a GET", "GET /v1/dlq HTTP/1.1\r\nHost: 127.0.0.1\r\n" + AUTH
        + "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400, "bad-request", true));
    rows.add(new Framing("two different Content-Lengths", SUBMIT + "Content-Length: 2\r\nContent-Length: 12\r\n\r\n{}",
        400, "bad-request", true));
    rows.add(new Framing("Content-Length list", SUBMIT + "Content-Length: 2, 2\r\n\r\n{}", 400, "bad-request", true));
    rows.add(new Framing("Content-Length: abc", SUBMIT + "Content-Length: abc\r\n\r\n{}", 400, "bad-request", true));
    rows.add(new Framing("negative Content-Length", SUBMIT + "Content-Length: -1\r\n\r\n{}", 400, "bad-request", true));
    rows.add(new Framing("Content-Length with a plus sign", SUBMIT + "Content-Length: +2\r\n\r\n{}", 400,
        "bad-request", true));
    rows.add(new Framing("empty header name", "GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\n: x\r\n\r\n", 400,
        "ambiguous-framing", true));
    rows.add(new Framing("header line without a colon", "GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\nNoColon\r\n\r\n",
        400, "bad-request", true));
    rows.add(new Framing("space before the colon", "GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\nX-A : b\r\n\r\n",
        400, "bad-request", true));
    rows.add(new Framing("space inside a header name", "GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\nX A: b\r\n\r\n",
        400, "bad-request", true));
    rows.add(new Framing("two Host fields", "GET /health/live HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400,
        "ambiguous-framing", true));
    rows.add(new Framing("no Host on HTTP/1.1", "GET /health/live HTTP/1.1\r\n\r\n", 400, "bad-request", false));
    rows.add(new Framing("bare LF line ends", "GET /health/live HTTP/1.1\nHost: 127.0.0.1\n\n", 400, "bad-request", true));
    rows.add(new Framing("control character in a header value", "GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        + "X-A: a\u0001b\r\n\r\n", 400, "bad-request", true));
    rows.add(new Framing("request line of 8 KiB", "GET /" + "a".repeat(8_192) + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
        414, "uri-too-long", true));
    rows.add(new Framing("header section of 20 KiB", "GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\nX-A: "
        + "a".repeat(20_480) + "\r\n\r\n", 431, "headers-too-large", true));
    rows.add(new Framing("missing request target", "GET HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", 400, "bad-request", true));
    rows.add(new Framing("raw byte 0xFF in the target", "GET /v1/runs/\u00ff HTTP/1.1\r\nHost: 127.0.0.1\r\n" + AUTH
        + "\r\n", 400, "bad-request", false));
    return rows.stream();
  }

  @Test
  @Order(1)
  void theTablesHoldAtLeastOneHundredAndFiftyRequests() {
    assertThat(onBothProtocols().count() + framings().count()).isGreaterThanOrEqualTo(150);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("onBothProtocols")
  @Order(2)
  void eachMalformedRequestGetsItsProblem(String name, Row row, boolean h2) throws IOException {
    int port = edge.get().node.platform.httpPort();
    if (h2) {
      assertProblem(RawH2.exchange(port, row.method().name(), row.path(), row.allHeaders(),
          row.body() == null ? null : row.body().getBytes()), row.status(), row.type());
      return;
    }
    try (RawHttp connection = new RawHttp(port)) {
      connection.write(row.http11());
      assertProblem(connection.read(), row.status(), row.type());
      if (row.closesOnHttp11()) {
        assertThat(connection.closedByServer()).isTrue();
        return;
      }
      connection.write(LIVE);
      RawHttp.Response next = connection.read();
      assertThat(next).as("the connection serves the next request").isNotNull();
      assertThat(next.status()).isEqualTo(200);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("framings")
  @Order(3)
  void framingOnlyOneReadingAllowsIsRefused(Framing row) throws IOException {
    try (RawHttp connection = new RawHttp(edge.get().node.platform.httpPort())) {
      connection.write(row.request());
      RawHttp.Response response = connection.read();
      assertProblem(response, row.status(), row.type());
      if (row.closes()) {
        assertThat(response.header("Connection")).isEqualTo("close");
        connection.writeIfOpen(row.behind());
        assertThat(connection.closedByServer()).as("closed, and nothing behind the request answered").isTrue();
      } else {
        connection.write(LIVE);
        assertThat(connection.read().status()).isEqualTo(200);
      }
    }
  }

  /**
   * The decoder frames a request with both Content-Length and chunked by its chunks and drops the
   * length before the platform sees it; the platform answers by the chunks and closes the
   * connection, so a proxy that went by the length has nothing to smuggle behind it.
   */
  @Test
  @Order(4)
  void aChunkedRequestIsTheLastOnItsConnection() throws IOException {
    for (String lengths : List.of("Content-Length: 4\r\n", "")) {
      try (RawHttp connection = new RawHttp(edge.get().node.platform.httpPort())) {
        connection.write(SUBMIT + lengths + "Transfer-Encoding: chunked\r\n\r\nC\r\n{\"input\":{}}\r\n0\r\n\r\n"
            + SMUGGLED);
        RawHttp.Response response = connection.read();
        assertThat(response.status()).as(response.text()).isEqualTo(200);
        assertThat(response.json().getString("status")).isEqualTo("succeeded");
        assertThat(response.header("Connection")).isEqualTo("close");
        assertThat(connection.closedByServer()).as("the pipelined request is never answered").isTrue();
      }
    }
  }

  /**
   * Sent in one write, the bytes behind an ambiguous head reach the decoder with it: where it reads
   * them as chunks they fail to parse and Vert.x closes the connection before the refusal is
   * flushed. Either way nothing behind the head is ever answered, and no run starts.
   */
  @Test
  @Order(5)
  void bytesBehindAnAmbiguousHeadAreNeverAnswered() throws IOException {
    for (Framing row : framings().filter(f -> !f.behind().isEmpty()).toList()) {
      try (RawHttp connection = new RawHttp(edge.get().node.platform.httpPort())) {
        connection.write(row.request() + row.behind());
        RawHttp.Response response = connection.read();
        if (response != null) {
          assertProblem(response, 400, "ambiguous-framing");
        }
        assertThat(connection.closedByServer()).as(row.name()).isTrue();
      }
    }
    try (RawHttp connection = new RawHttp(edge.get().node.platform.httpPort())) {
      connection.write(SUBMIT + "Transfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n" + SMUGGLED);
      assertThat(connection.read()).as("chunks that do not parse: closed, nothing answered").isNull();
    }
  }

  @Test
  @Order(5)
  void aCleanConnectionKeepsServingPipelinedRequests() throws IOException {
    try (RawHttp connection = new RawHttp(edge.get().node.platform.httpPort())) {
      connection.write(LIVE + LIVE + LIVE);
      for (int i = 0; i < 3; i++) {
        assertThat(connection.read().status()).isEqualTo(200);
      }
    }
  }

  private static void assertProblem(RawHttp.Response response, int status, String type) {
    assertThat(response).as("an answer before the connection closed").isNotNull();
    String body = response.text();
    assertThat(response.status()).as("status of %s", body).isEqualTo(status);
    assertThat(response.header("Content-Type")).as(body).isEqualTo("application/problem+json");
    assertThat(response.header("X-Request-Id")).isNotBlank();
    JsonObject problem = new JsonObject(body);
    assertThat(problem.getString("type")).isEqualTo("https://wfgateway.dev/problems/" + type);
    assertThat(problem.getInteger("status")).isEqualTo(status);
    assertThat(problem.getString("title")).isNotBlank();
    ProblemAssert.assertNothingInternal(body);
  }

  @Test
  @Order(6)
  void thePlatformIsHealthyAndServingAfterwards() throws IOException {
    try (RawHttp connection = new RawHttp(edge.get().node.platform.httpPort())) {
      connection.write("GET /health/ready HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
      RawHttp.Response ready = connection.read();
      assertThat(ready.status()).as(ready.text()).isEqualTo(200);
      byte[] body = new JsonObject().put("input", new JsonObject().put("amount", 5)).encode()
          .getBytes(StandardCharsets.UTF_8);
      connection.write(SUBMIT + "Content-Length: " + body.length + "\r\n\r\n" + new String(body, StandardCharsets.UTF_8));
      RawHttp.Response run = connection.read();
      assertThat(run.status()).as(run.text()).isEqualTo(200);
      assertThat(run.json().getString("status")).isEqualTo("succeeded");
    }
  }
}
