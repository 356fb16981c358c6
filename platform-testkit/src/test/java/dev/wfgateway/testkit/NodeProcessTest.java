package dev.wfgateway.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The waits of {@link NodeProcess}, on a stand-in node: a shell process (alive, or exiting with a
 * message) and an HTTP server in this JVM that answers what the node's gateway would, in turn.
 */
@ExtendWith(VertxExtension.class)
class NodeProcessTest {
  private static final Duration LONG = Duration.ofSeconds(20);
  private static final String TOKEN = "admin-token";

  @TempDir
  Path dir;
  private Vertx vertx;
  private final List<String> asked = new CopyOnWriteArrayList<>();
  private final List<NodeProcess> started = new CopyOnWriteArrayList<>();

  @BeforeEach
  void createVertx() {
    vertx = TestVertx.create();
  }

  @AfterEach
  void close() throws Exception {
    for (NodeProcess node : started) {
      node.close();
    }
    TestVertx.close(vertx);
  }

  @Test
  void readyOnceHealthReadyAnswers200(VertxTestContext context) {
    answering(List.of(new Reply(503, "{\"status\":\"DOWN\"}"), new Reply(503, "{\"status\":\"DOWN\"}"),
        new Reply(200, "{\"status\":\"UP\"}")))
        .compose(port -> blocking(() -> {
          alive("node").awaitReady(port, LONG);
          return null;
        }))
        .onComplete(context.succeeding(v -> context.verify(() -> {
          assertThat(asked).containsExactly("GET /health/ready", "GET /health/ready", "GET /health/ready");
          context.completeNow();
        })));
  }

  @Test
  void aNodeThatExitsFailsTheWaitWithItsOutput(VertxTestContext context) {
    answering(List.of(new Reply(503, "{}")))
        .compose(port -> blocking(() -> {
          shell("doomed", "echo 'The platform did not start: no'; exit 3").awaitReady(port, LONG);
          return null;
        }))
        .onComplete(context.failing(failure -> context.verify(() -> {
          assertThat(failure).isInstanceOf(IllegalStateException.class)
              .hasMessageStartingWith("doomed exited with code 3 while waiting for doomed to answer 200")
              .hasMessageEndingWith("its output:\nThe platform did not start: no\n");
          context.completeNow();
        })));
  }

  @Test
  void aNodeNeverReadyFailsAtTheDeadlineWithItsLastAnswer(VertxTestContext context) {
    answering(List.of(new Reply(503, "{\"status\":\"DOWN\"}")))
        .compose(port -> blocking(() -> {
          shell("stuck", "echo starting; sleep 600").awaitReady(port, Duration.ofMillis(300));
          return null;
        }))
        .onComplete(context.failing(failure -> context.verify(() -> {
          assertThat(failure).isInstanceOf(IllegalStateException.class)
              .hasMessageStartingWith("timed out after PT0.3S waiting for stuck to answer 200 on /health/ready")
              .hasMessageContaining("last answer: 503 {\"status\":\"DOWN\"}")
              .hasMessageEndingWith("output of stuck:\nstarting\n");
          context.completeNow();
        })));
  }

  @Test
  void theClusterIsCompleteWhenEveryMemberIsListedAndUp(VertxTestContext context) {
    answering(List.of(new Reply(401, "not a member list"), cluster("UP", "UP"), cluster("UP", "UP", "UNKNOWN"),
        cluster("UP", "DOWN", "UP"), cluster("UP", "UP", "UP")))
        .compose(port -> blocking(() -> {
          NodeProcess.awaitCluster(port, TOKEN, LONG, alive("gateway"), alive("w1"), alive("w2"));
          return null;
        }))
        .onComplete(context.succeeding(v -> context.verify(() -> {
          assertThat(asked).hasSize(5).containsOnly("GET /admin/cluster Bearer " + TOKEN);
          context.completeNow();
        })));
  }

  @Test
  void aMemberThatExitsFailsTheClusterWaitWithItsOutput(VertxTestContext context) {
    answering(List.of(cluster("UP")))
        .compose(port -> blocking(() -> {
          NodeProcess.awaitCluster(port, TOKEN, LONG, alive("gateway"), shell("w1", "echo bye; exit 1"));
          return null;
        }))
        .onComplete(context.failing(failure -> context.verify(() -> {
          assertThat(failure).hasMessageStartingWith("w1 exited with code 1 while waiting for a cluster of 2 members")
              .hasMessageEndingWith("its output:\nbye\n");
          context.completeNow();
        })));
  }

  @Test
  void theHttpPortIsReadFromTheStartLine(VertxTestContext context) {
    blocking(() -> shell("node", "echo 'INFO: deployed gateway verticle'; echo 'INFO: platform node started:"
        + " verticles [gateway], local backend, standalone, HTTP on port 41234'; sleep 600").awaitHttpPort(LONG))
        .onComplete(context.succeeding(port -> context.verify(() -> {
          assertThat(port).isEqualTo(41234);
          context.completeNow();
        })));
  }

  /** What the stand-in gateway answers: {@code status} and {@code body}. */
  private record Reply(int status, String body) {
  }

  private static Reply cluster(String... health) {
    JsonArray members = new JsonArray();
    for (String h : health) {
      members.add(new JsonObject().put("health", h));
    }
    return new Reply(200, new JsonObject().put("clustered", true).put("size", health.length).put("members", members)
        .encode());
  }

  /** An HTTP server giving {@code replies} in turn, the last one from then on; records each request. Its port. */
  private Future<Integer> answering(List<Reply> replies) {
    return vertx.createHttpServer().requestHandler((HttpServerRequest request) -> {
      String auth = request.getHeader("Authorization");
      asked.add(request.method() + " " + request.path() + (auth == null ? "" : " " + auth));
      Reply reply = replies.get(Math.min(asked.size(), replies.size()) - 1);
      request.response().setStatusCode(reply.status()).end(reply.body());
    }).listen(0, "127.0.0.1").map(HttpServer::actualPort);
  }

  private <T> Future<T> blocking(Callable<T> wait) {
    return vertx.executeBlocking(wait);
  }

  private NodeProcess alive(String name) throws Exception {
    return shell(name, "sleep 600");
  }

  private NodeProcess shell(String name, String script) throws Exception {
    NodeProcess node = NodeProcess.start(name, dir, Map.of(), List.of("sh", "-c", script));
    started.add(node);
    return node;
  }
}
