package dev.wfgateway.launcher;

import dev.wfgateway.common.config.Sha256;
import dev.wfgateway.testkit.Await;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * One in-process node on a production Redis topology (cluster, sentinel, TLS), with a tenant whose
 * limits and bulkhead let a burst through, and a workflow that takes a lock and calls one
 * event-bus step served by this test JVM: each run touches the rate limiter, the lock, the run
 * store and (on failure) the DLQ, all in Redis.
 */
final class TopologyNode implements AutoCloseable {
  static final String KEY = "topology-key";
  static final String WORKFLOW = "hop";
  static final String STEP_ADDRESS = "topology.hop";

  final RunningPlatform node;

  /** {@code redisYaml}: the {@code redis:} section's value, e.g. {@code { type: cluster, endpoints: [...] }}. */
  TopologyNode(Path dir, String redisYaml) throws IOException {
    Path conf = dir.resolve("platform.yaml");
    Files.writeString(conf, String.join("\n",
        "redis: " + redisYaml,
        "reload: { interval: 0s }",
        "tenants:",
        "  acme:",
        "    keys: [ { id: t1, sha256: \"" + Sha256.hex(KEY) + "\" } ]",
        "    rateLimits:",
        "      submit: [ { name: burst, limit: 100000, window: 1s } ]",
        "      read: [ { name: reads, limit: 100000, window: 1s } ]",
        "    bulkhead: { maxConcurrent: 400, maxQueued: 400 }",
        "workflows:",
        "  " + WORKFLOW + ":",
        "    lock: { key: /key, ttl: 5s, wait: 5s }",
        "    timeout: 10s",
        "    steps:",
        "      - { name: hop, eventbus: { address: " + STEP_ADDRESS + ", timeout: 2s }, retry: none }",
        ""));
    node = RunningPlatform.started(dir, Map.of(), conf.toString());
    node.vertx.eventBus().<JsonObject>consumer(STEP_ADDRESS, m -> m.reply(new JsonObject().put("ok", true)));
  }

  Future<HttpResponse<Buffer>> submit() {
    return node.request(HttpMethod.POST, "/v1/workflows/" + WORKFLOW + "/runs")
        .putHeader("Authorization", "Bearer " + KEY).putHeader("Content-Type", "application/json")
        .timeout(20_000)
        .sendBuffer(Buffer.buffer(new JsonObject().put("input", new JsonObject().put("key", UUID.randomUUID().toString()))
            .encode()));
  }

  /** {@code count} submits at once; the statuses in order. */
  List<Integer> burst(int count) {
    List<Future<HttpResponse<Buffer>>> sent = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      sent.add(submit());
    }
    Await.result(Future.join(sent), Duration.ofSeconds(60));
    return sent.stream().map(f -> f.succeeded() ? f.result().statusCode() : -1).toList();
  }

  /** One answer of a {@link Load}: when it came (ns since the load started), its status and run id. */
  record Answer(long atNanos, int status, String runId) {
  }

  /** Closed-loop load: {@code concurrency} loops, each sending its next submit when the last is answered. */
  final class Load {
    private final long start = System.nanoTime();
    private final List<Answer> answers = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final java.util.concurrent.atomic.AtomicInteger loopsRunning = new java.util.concurrent.atomic.AtomicInteger();
    private volatile boolean stopping;

    private Load(int concurrency) {
      for (int i = 0; i < concurrency; i++) {
        loopsRunning.incrementAndGet();
        node.vertx.runOnContext(v -> next());
      }
    }

    private void next() {
      if (stopping) {
        loopsRunning.decrementAndGet();
        return;
      }
      submit().onComplete(ar -> {
        int status = ar.succeeded() ? ar.result().statusCode() : -1;
        String runId = ar.succeeded() && status == 200 ? ar.result().bodyAsJsonObject().getString("runId") : null;
        answers.add(new Answer(System.nanoTime() - start, status, runId));
        next();
      });
    }

    long elapsedNanos() {
      return System.nanoTime() - start;
    }

    /** Stops sending and waits for the answers still due; returns every answer. */
    List<Answer> stop() {
      stopping = true;
      Await.until("the load's last answers", Duration.ofSeconds(30), () -> loopsRunning.get() == 0);
      return List.copyOf(answers);
    }
  }

  Load load(int concurrency) {
    return new Load(concurrency);
  }

  /** {@code count} submits at once, all of which must succeed; their run ids. */
  List<String> acceptedRuns(int count) {
    List<Future<HttpResponse<Buffer>>> sent = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      sent.add(submit());
    }
    return Await.result(Future.all(sent), Duration.ofSeconds(60)).<HttpResponse<Buffer>>list().stream()
        .map(r -> {
          if (r.statusCode() != 200) {
            throw new AssertionError("a run failed: " + r.statusCode() + " " + r.bodyAsString());
          }
          return r.bodyAsJsonObject().getString("runId");
        }).toList();
  }

  int runStatus(String runId) {
    return Await.result(node.request(HttpMethod.GET, "/v1/runs/" + runId)
        .putHeader("Authorization", "Bearer " + KEY).timeout(5_000).send()).statusCode();
  }

  int ready() {
    HttpResponse<Buffer> ready = Await.result(node.request(HttpMethod.GET, "/health/ready").timeout(5_000).send());
    if (ready.statusCode() != 200) {
      System.out.println("not ready: " + ready.bodyAsString());
    }
    return ready.statusCode();
  }

  @Override
  public void close() throws Exception {
    node.close();
  }
}
