package dev.wfgateway.launcher;

import static dev.wfgateway.launcher.ProblemAssert.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import dev.wfgateway.testkit.Await;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetSocket;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** One test per kind of bad input the HTTP edge refuses, each answered with its own problem type. */
class EdgeProblemsTest {
  private static final String ACME = ConfiguredPlatform.ACME_KEY;
  private static final String RUNS = "/v1/workflows/" + EdgePlatform.ECHO + "/runs";

  @RegisterExtension
  static final PerClass<EdgePlatform> edge = PerClass.of(EdgePlatform::new);



  private HttpResponse<Buffer> post(String contentType, Buffer body) {
    return Await.result(edge.get().as(ACME, HttpMethod.POST, RUNS).putHeader("Content-Type", contentType).sendBuffer(body));
  }

  @Test
  void aBodyOverTheLimitIs413() {
    assertProblem(post("application/json", Buffer.buffer(new byte[EdgePlatform.MAX_BODY_BYTES + 1])), 413,
        "payload-too-large");
  }

  @Test
  void aBodyThatIsNotJsonIs415() {
    assertProblem(post("text/plain", Buffer.buffer("input=1")), 415, "unsupported-media-type");
  }

  @Test
  void malformedJsonIs400() {
    assertProblem(post("application/json", Buffer.buffer("{\"input\": {")), 400, "malformed-json");
  }

  @Test
  void inputFailingTheSchemaIs400WithAPointerPerError() {
    JsonObject problem = assertProblem(edge.get().submit(ACME, EdgePlatform.ECHO,
        new JsonObject().put("amount", "lots").put("name", 5)), 400, "validation-failed");

    assertThat(problem.getJsonArray("errors").stream().map(e -> ((JsonObject) e).getString("pointer")))
        .contains("/input/amount", "/input/name");
  }

  @Test
  void anOversizedOrNonPrintableIdempotencyKeyIs400() {
    for (String key : List.of("k".repeat(256), "caf\u00e9", "tab\tkey")) {
      HttpResponse<Buffer> response = Await.result(edge.get().as(ACME, HttpMethod.POST, RUNS)
          .putHeader("Content-Type", "application/json").putHeader("Idempotency-Key", key)
          .sendBuffer(Buffer.buffer("{\"input\":{}}")));
      assertProblem(response, 400, "invalid-idempotency-key");
    }
  }

  @Test
  void anUnknownRouteIs404() {
    assertProblem(edge.get().send(edge.get().as(ACME, HttpMethod.GET, "/v1/nothing/here")), 404, "not-found");
  }

  @Test
  void aKnownPathWithAnotherMethodIs405WithAllow() {
    record Case(HttpMethod method, String path, String allow) {
    }
    for (Case c : List.of(new Case(HttpMethod.PUT, "/v1/runs/r-1", "GET"),
        new Case(HttpMethod.GET, RUNS, "POST"),
        new Case(HttpMethod.PATCH, "/v1/dlq", "DELETE, GET"),
        new Case(HttpMethod.PUT, "/v1/dlq/d-1", "DELETE, GET"),
        new Case(HttpMethod.POST, "/health/ready", "GET"),
        new Case(HttpMethod.DELETE, "/openapi.yaml", "GET"))) {
      HttpResponse<Buffer> response = edge.get().send(edge.get().as(ACME, c.method(), c.path()));
      assertProblem(response, 405, "method-not-allowed");
      assertThat(response.getHeader("Allow")).as("%s %s", c.method(), c.path()).isEqualTo(c.allow());
    }
  }

  /** The HTTP decoder refuses these before any route runs; the gateway still answers a problem, then closes. */
  @Test
  void headerFieldsOverTheLimitAre431AndTheServerStaysUp() {
    HttpResponse<Buffer> response = edge.get().send(edge.get().as(ACME, HttpMethod.GET, "/v1/dlq")
        .putHeader("X-Padding", "p".repeat(20_000)));

    assertProblem(response, 431, "headers-too-large");
    assertThat(edge.get().send(edge.get().request(HttpMethod.GET, "/health/live")).statusCode()).isEqualTo(200);
  }

  @Test
  void aRequestLineOverTheLimitIs414AndTheServerStaysUp() {
    HttpResponse<Buffer> response = edge.get().send(edge.get().as(ACME, HttpMethod.GET, "/v1/runs/" + "r".repeat(5_000)));

    assertProblem(response, 414, "uri-too-long");
    assertThat(edge.get().send(edge.get().request(HttpMethod.GET, "/health/live")).statusCode()).isEqualTo(200);
  }

  @Test
  void unparseableHttpIs400() throws Exception {
    String answer = rawExchange("GET /health/live HTTP/1.1\r\nHost: x\r\nContent-Length: nope\r\n\r\n");

    assertThat(answer).startsWith("HTTP/1.1 400 ").contains("application/problem+json")
        .contains("https://wfgateway.dev/problems/bad-request");
    ProblemAssert.assertNothingInternal(answer);
  }

  @Test
  void aClientThatStopsMidRequestIsDisconnectedAfterTheIdleTimeout() {
    // A node that has answered once: on a cold JVM the server's first read can stall its event loop
    // for about the idle timeout (Netty's first buffers), and the raw connection would be closed early.
    assertThat(edge.get().send(edge.get().request(HttpMethod.GET, "/health/live")).statusCode()).isEqualTo(200);
    RawConnection connection = RawConnection.open(edge.get().node);
    long start = System.nanoTime();
    connection.send("POST " + RUNS + " HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"inp");

    Await.result(connection.closed(), EdgePlatform.IDLE_TIMEOUT.multipliedBy(5));

    assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(
        EdgePlatform.IDLE_TIMEOUT.minusMillis(100));
    assertThat(connection.received().length()).isZero();
    assertThat(edge.get().send(edge.get().request(HttpMethod.GET, "/health/live")).statusCode()).isEqualTo(200);
  }

  /** Sends {@code request} as raw bytes and returns everything the server answered until it closed. */
  private String rawExchange(String request) {
    RawConnection connection = RawConnection.open(edge.get().node);
    connection.send(request);
    Await.result(connection.closed(), Duration.ofSeconds(5));
    return connection.received().toString();
  }

  /** A plain TCP connection to the gateway, for what an HTTP client library refuses to send. */
  private record RawConnection(NetSocket socket, Buffer received, Future<Void> closed) {
    static RawConnection open(RunningPlatform node) {
      NetSocket socket = Await.result(node.vertx.createNetClient().connect(node.platform.httpPort(), "127.0.0.1"));
      Promise<Void> closed = Promise.promise();
      Buffer received = Buffer.buffer();
      socket.handler(received::appendBuffer);
      socket.closeHandler(v -> closed.tryComplete());
      return new RawConnection(socket, received, closed.future());
    }

    void send(String bytes) {
      Await.result(socket.write(bytes));
    }
  }
}
