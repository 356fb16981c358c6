package dev.wfgateway.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wfgateway.common.config.Sha256;
import dev.wfgateway.testkit.Await;
import dev.wfgateway.testkit.NodeProcess;
import dev.wfgateway.testkit.TestVertx;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One node on the local backend (a real JVM) taking async submits of a slow workflow is SIGKILLed
 * and started again on the same data directories: every run it had answered 202 for ends
 * succeeded, failed or dead-lettered (and is then in the DLQ); none is lost or left unfinished.
 * Those still queued at the kill run after the restart; those inside their step are dead-lettered.
 */
class LocalCrashRecoveryIT {
  private static final String KEY = "crash-key";
  private static final Duration START = Duration.ofSeconds(60);
  private static final Set<String> FINAL = Set.of("succeeded", "failed", "dead_lettered");

  @TempDir
  Path dir;

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final List<String> accepted = new CopyOnWriteArrayList<>();
  private final AtomicInteger stepCalls = new AtomicInteger();

  @Test
  void everyRunAnswered202EndsAfterTheNodeIsKilledAndStartedAgain() throws Exception {
    Vertx vertx = TestVertx.create();
    ScheduledExecutorService load = Executors.newSingleThreadScheduledExecutor();
    try {
      HttpServer slowStep = Await.result(vertx.createHttpServer().requestHandler(req -> {
        stepCalls.incrementAndGet();
        vertx.setTimer(300, id -> req.response().putHeader("content-type", "application/json").end("{\"ok\":true}"));
      }).listen(0, "127.0.0.1"));
      // Each node binds a port of the OS's choosing: none can be taken between choosing and binding it.
      Map<String, String> env = new HashMap<>(Map.of("HTTP_PORT", "0",
          "DLQ_JOURNAL_DIR", dir.resolve("dlq").toString(), "RUNS_JOURNAL_DIR", dir.resolve("runs").toString()));
      String conf = writeConfig(slowStep.actualPort()).toString();

      try (NodeProcess first = NodeProcess.fromJar(ClusterIT.PLATFORM_JAR, "first", dir, env, "--conf", conf)) {
        int firstPort = started(first);
        // About 40 submits a second; the answers are collected as they come.
        load.scheduleAtFixedRate(() -> submit(firstPort), 0, 25, TimeUnit.MILLISECONDS);
        Await.until("runs accepted before the kill", Duration.ofSeconds(20), () -> accepted.size() >= 120);
        first.kill();
        load.shutdownNow();
        assertThat(load.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
      }
      int callsBeforeRestart = stepCalls.get();
      List<String> runIds = List.copyOf(accepted);

      try (NodeProcess second = NodeProcess.fromJar(ClusterIT.PLATFORM_JAR, "second", dir, env, "--conf", conf)) {
        int httpPort = started(second);
        Map<String, JsonObject> ended = new ConcurrentHashMap<>();
        Map<String, Integer> notFound = new ConcurrentHashMap<>();
        Await.until("every accepted run to end", Duration.ofSeconds(20), () -> {
          for (String runId : runIds) {
            if (!ended.containsKey(runId)) {
              HttpResponse<String> run = get(httpPort, "/v1/runs/" + runId);
              if (run.statusCode() == 404) {
                notFound.merge(runId, 1, Integer::sum);
              } else if (run.statusCode() == 200 && FINAL.contains(new JsonObject(run.body()).getString("status"))) {
                ended.put(runId, new JsonObject(run.body()));
              }
            }
          }
          return ended.size() == runIds.size() || !notFound.isEmpty();
        });

        Map<String, Long> outcomes = ended.values().stream().collect(Collectors.groupingBy(
            run -> run.getString("status") + (run.containsKey("error") ? "/" + run.getJsonObject("error")
                .getString("type") : ""), TreeMap::new, Collectors.counting()));
        System.out.printf("crash recovery: %d runs accepted, step calls %d before the kill and %d after, outcomes %s, "
            + "recovered by the second node: %d%n", runIds.size(), callsBeforeRestart,
            stepCalls.get() - callsBeforeRestart, outcomes,
            second.output().lines().filter(l -> l.contains("recovering run")).count());
        assertThat(notFound).as("runs answered 202 that the restarted node does not know").isEmpty();
        assertThat(ended.keySet()).as("runs answered 202 that did not end").containsExactlyInAnyOrderElementsOf(runIds);
        assertThat(outcomes.keySet()).as("a kill during 300 ms steps leaves runs that had called their step")
            .contains("dead_lettered/node_lost");
        assertThat(stepCalls.get() - callsBeforeRestart).as("queued runs started again").isPositive();
        for (JsonObject run : ended.values()) {
          if (run.getString("status").equals("dead_lettered")) {
            HttpResponse<String> entry = get(httpPort, "/v1/dlq/" + run.getString("dlqId"));
            assertThat(entry.statusCode()).as("DLQ entry of %s", run.getString("runId")).isEqualTo(200);
            assertThat(new JsonObject(entry.body()).getString("runId")).isEqualTo(run.getString("runId"));
          }
        }
        assertThat(second.output()).doesNotContain("has been blocked");
        assertThat(second.terminate()).isEqualTo(143);
      }
    } finally {
      load.shutdownNow();
      TestVertx.close(vertx);
    }
  }

  /** Waits until the node is ready and returns its HTTP port. */
  private static int started(NodeProcess node) {
    int port = node.awaitHttpPort(START);
    node.awaitReady(port, START);
    return port;
  }

  private Path writeConfig(int stepPort) throws Exception {
    Path file = dir.resolve("platform.yaml");
    Files.writeString(file, String.join("\n",
        "tenants:",
        "  acme:",
        "    keys: [ { id: k1, sha256: \"" + Sha256.hex(KEY) + "\" } ]",
        "    rateLimits: { submit: [ { name: burst, limit: 10000, window: 1s } ], read: [ { name: r, limit: 10000, window: 1s } ] }",
        // 4 at once run about 13 of the 40 runs a second: at the kill some are in their step, many queued.
        "    bulkhead: { maxConcurrent: 4, maxQueued: 512 }",
        "workflows:",
        "  slow:",
        "    timeout: 10s",
        "    steps: [ { name: call, retry: none, http: { url: \"http://127.0.0.1:" + stepPort + "/step\", timeout: 5s } } ]",
        ""));
    return file;
  }

  private void submit(int httpPort) {
    http.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/v1/workflows/slow/runs"))
            .header("Authorization", "Bearer " + KEY).header("Content-Type", "application/json")
            .header("Prefer", "respond-async").timeout(Duration.ofSeconds(5))
            .POST(HttpRequest.BodyPublishers.ofString("{\"input\":{\"n\":" + System.nanoTime() + "}}")).build(),
        HttpResponse.BodyHandlers.ofString()).thenAccept(response -> {
          if (response.statusCode() == 202) {
            String location = response.headers().firstValue("Location").orElseThrow();
            accepted.add(location.substring(location.lastIndexOf('/') + 1));
          }
        });
  }

  private HttpResponse<String> get(int httpPort, String path) {
    try {
      return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
          .header("Authorization", "Bearer " + KEY).timeout(Duration.ofSeconds(5)).build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      throw new AssertionError("GET " + path + " failed", e);
    }
  }
}
