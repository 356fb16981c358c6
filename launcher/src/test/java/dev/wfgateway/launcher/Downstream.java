package dev.wfgateway.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wfgateway.common.Headers;
import dev.wfgateway.testkit.Await;
import dev.wfgateway.testkit.TestVertx;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A real HTTP service for workflow steps to call, on a Vert.x of its own. It records every call
 * (path, run, body, and when it arrived and was answered, read from its own clock) and answers each
 * path as scripted: at once, only once a call of the same run to another path has arrived, or never
 * (the call is held until the server closes). A path without a script answers 200 {@code {"at": path}}.
 */
final class Downstream implements AutoCloseable {
  /** One call as the server saw it; {@code answeredNanos} stays -1 while it is unanswered. */
  static final class Call {
    final String path;
    final String runId;
    final JsonObject body;
    final long arrivedNanos;
    volatile long answeredNanos = -1;
    private final Script script;
    private final HttpServerResponse response;

    private Call(HttpServerRequest request, JsonObject body, long arrivedNanos, Script script) {
      this.path = request.path();
      this.runId = request.getHeader(Headers.RUN_ID);
      this.body = body;
      this.arrivedNanos = arrivedNanos;
      this.script = script;
      this.response = request.response();
    }

    boolean answered() {
      return answeredNanos >= 0;
    }

    /** Both calls were out at once: each arrived before the other was answered. */
    boolean overlaps(Call other) {
      return answered() && other.answered() && arrivedNanos < other.answeredNanos && other.arrivedNanos < answeredNanos;
    }

    /** This call was answered before {@code later} arrived. */
    boolean endedBefore(Call later) {
      return answered() && answeredNanos < later.arrivedNanos;
    }

    @Override
    public String toString() {
      return path + (answered() ? "" : " (unanswered)");
    }
  }

  /** How a path answers: a status and body, once a call of the run to {@code awaitedPath} has arrived, or never. */
  record Script(int status, JsonObject body, String awaitedPath, boolean unanswered) {
    static Script answer(int status, JsonObject body) {
      return new Script(status, body, null, false);
    }

    static Script ok(JsonObject body) {
      return answer(200, body);
    }

    static Script never() {
      return new Script(0, null, null, true);
    }

    /** This answer, held until a call of the same run to {@code path} has arrived. */
    Script once(String path) {
      return new Script(status, body, path, unanswered);
    }
  }

  private final Map<String, Script> scripts = new HashMap<>();
  private final List<Call> calls = new CopyOnWriteArrayList<>();
  /** Calls waiting for their awaited path; only touched on the server's event loop. */
  private final List<Call> waiting = new ArrayList<>();
  private Vertx vertx;
  private HttpServer server;

  /** Scripts {@code path}; set up before {@link #start}. */
  Downstream script(String path, Script script) {
    scripts.put(path, script);
    return this;
  }

  /** Starts the server on a free loopback port and returns its base URL ({@code http://127.0.0.1:port}). */
  String start() {
    vertx = TestVertx.create();
    server = Await.result(vertx.createHttpServer().requestHandler(this::arrive).listen(0, "127.0.0.1"));
    return "http://127.0.0.1:" + server.actualPort();
  }

  private void arrive(HttpServerRequest request) {
    request.body().onSuccess(bytes -> {
      long arrived = System.nanoTime();
      Script script = scripts.getOrDefault(request.path(), Script.ok(new JsonObject().put("at", request.path())));
      Call call = new Call(request, bytes.length() == 0 ? null : bytes.toJsonObject(), arrived, script);
      calls.add(call);
      if (!script.unanswered()) {
        waiting.add(call);
      }
      answerWhatMay();
    });
  }

  private void answerWhatMay() {
    for (Call call : List.copyOf(waiting)) {
      String awaited = call.script.awaitedPath();
      if (awaited == null
          || calls.stream().anyMatch(c -> c.path.equals(awaited) && Objects.equals(c.runId, call.runId))) {
        waiting.remove(call);
        call.answeredNanos = System.nanoTime();
        call.response.setStatusCode(call.script.status()).putHeader("Content-Type", "application/json")
            .end(call.script.body() == null ? "{}" : call.script.body().encode());
      }
    }
  }

  /** The calls of one run, in the order they arrived. */
  List<Call> calls(String runId) {
    return calls.stream().filter(c -> runId.equals(c.runId)).toList();
  }

  List<String> paths(String runId) {
    return calls(runId).stream().map(c -> c.path).toList();
  }

  /** The one call of {@code runId} to {@code path}. */
  Call only(String runId, String path) {
    List<Call> matching = calls(runId).stream().filter(c -> c.path.equals(path)).toList();
    assertThat(matching).as("calls of run %s to %s", runId, path).hasSize(1);
    return matching.get(0);
  }

  @Override
  public void close() throws Exception {
    if (vertx != null) {
      TestVertx.close(vertx);
    }
  }
}
