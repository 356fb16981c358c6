package dev.wfgateway.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wfgateway.common.config.Sha256;
import dev.wfgateway.testkit.Await;
import dev.wfgateway.testkit.NodeProcess;
import dev.wfgateway.testkit.RedisFixture;
import dev.wfgateway.testkit.TestVertx;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A gateway-only node and two workflow nodes (real JVMs, Redis backend) under load; one workflow
 * node is SIGKILLed mid-load and a third joins. Every request ends in a success or a clear error
 * within its timeout, no two runs of one lock key overlap, fencing tokens only grow, every failed
 * run is in the DLQ, no run is left unfinished, and the new node takes work without a restart.
 */
class ClusterFailoverIT {
  private static final String KEY = "failover-key";
  private static final String ADMIN = "failover-admin";
  private static final Duration START = Duration.ofSeconds(60);
  private static final int LOCK_KEYS = 8;

  @TempDir
  Path dir;

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final Map<String, AtomicInteger> inside = new ConcurrentHashMap<>();
  private final Map<String, List<Long>> tokens = new ConcurrentHashMap<>();
  private final AtomicInteger overlaps = new AtomicInteger();
  private final List<Integer> statuses = new CopyOnWriteArrayList<>();
  private final List<JsonObject> failures = new CopyOnWriteArrayList<>();
  private final List<String> clientErrors = new CopyOnWriteArrayList<>();
  private final List<Long> slowestMillis = new CopyOnWriteArrayList<>();
  private final List<Long> ownerLostMillis = new CopyOnWriteArrayList<>();
  /** For each request sent before the kill and answered after it: how long after the kill. */
  private final List<Long> inFlightAtKillMillis = new CopyOnWriteArrayList<>();
  private volatile long killedAtNanos = Long.MAX_VALUE;

  @Test
  void survivesTheLossOfAWorkflowNodeAndTakesANewOne() throws Exception {
    Vertx vertx = TestVertx.create();
    try (RedisFixture redis = RedisFixture.start()) {
      redis.flush();
      HttpServer step = Await.result(vertx.createHttpServer().requestHandler(req -> {
        String lockKey = req.getHeader("x-lock-key-echo");
        req.body().onSuccess(body -> {
          String key = new JsonObject(body).getJsonObject("input").getString("key");
          if (inside.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet() > 1) {
            overlaps.incrementAndGet();
          }
          tokens.computeIfAbsent(key, k -> new CopyOnWriteArrayList<>())
              .add(Long.parseLong(req.getHeader("x-fencing-token")));
          vertx.setTimer(100, id -> {
            inside.get(key).decrementAndGet();
            req.response().putHeader("content-type", "application/json").end("{\"ok\":true}");
          });
        });
      }).listen(0, "127.0.0.1"));
      Path conf = writeConfig(step.actualPort());
      int[] ports = {RedisFixture.freePort(), RedisFixture.freePort(), RedisFixture.freePort(), RedisFixture.freePort()};
      Map<String, String> env = ClusterIT.clusterEnv(ports);
      env.putAll(Map.of("REDIS_URL", redis.url(), "PLATFORM_CONFIG", conf.toString(),
          "DLQ_JOURNAL_DIR", dir.resolve("spool").toString()));

      try (NodeProcess gateway = node("gateway", env, ports[0], "gateway");
           NodeProcess w1 = node("w1", env, ports[1], "ratelimit,workflow,dlq");
           NodeProcess w2 = node("w2", env, ports[2], "ratelimit,workflow,dlq")) {
        int httpPort = gateway.awaitHttpPort(START);
        NodeProcess.awaitCluster(httpPort, ADMIN, START, gateway, w1, w2);
        gateway.awaitReady(httpPort, START);

        AtomicBoolean loading = new AtomicBoolean(true);
        List<CompletableFuture<Void>> workers = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
          workers.add(CompletableFuture.runAsync(() -> load(httpPort, loading)));
        }
        Await.until("both workflow nodes ran work", Duration.ofSeconds(30),
            () -> runningMembers(httpPort) >= 2);

        JsonObject scaling = admin(httpPort, "/admin/scaling");
        // scaling.minReplicas is 3: two workflow nodes are one short, whatever their load.
        assertThat(scaling.getString("action")).as(scaling.encode()).isEqualTo("scale_up");
        assertThat(scaling.getInteger("currentReplicas")).isEqualTo(2);
        assertThat(scaling.getInteger("desiredReplicas")).isEqualTo(3);
        assertThat(scaling.getString("reason")).isEqualTo("below minReplicas 3");
        assertThat(scaling.getJsonObject("inputs").getInteger("replicas")).isEqualTo(2);
        assertThat(scaling.getJsonObject("inputs").getDouble("p99RunMillis")).isPositive();

        killedAtNanos = System.nanoTime();
        w1.kill();
        Await.until("work continues after the kill", Duration.ofSeconds(30), () -> statuses.size() > 200);

        try (NodeProcess w3 = node("w3", env, ports[3], "ratelimit,workflow,dlq")) {
          NodeProcess.awaitCluster(httpPort, ADMIN, START, gateway, w2, w3);
          Await.until("the new node takes work", Duration.ofSeconds(40), () -> runningMembers(httpPort) >= 2
              && cluster(httpPort).getJsonArray("members").stream().map(JsonObject.class::cast)
                  .filter(m -> m.getLong("runs", 0L) > 0).count() >= 2);
          loading.set(false);
          CompletableFuture.allOf(workers.toArray(CompletableFuture[]::new)).get();

          System.out.printf("failover: %d requests, statuses %s, answered as their node left (ms after the kill): %s, "
              + "in flight at the kill answered within %d ms of it, slowest %d ms, runs adopted by survivors: %d%n",
              statuses.size(),
              statuses.stream().collect(java.util.stream.Collectors.groupingBy(s -> s,
                  java.util.TreeMap::new, java.util.stream.Collectors.counting())), ownerLostMillis,
              inFlightAtKillMillis.stream().mapToLong(Long::longValue).max().orElse(0), slowestMillis.stream().mapToLong(Long::longValue).max().orElse(0),
              w2.output().lines().filter(l -> l.contains("adopting run")).count()
                  + w3.output().lines().filter(l -> l.contains("adopting run")).count());
          assertThat(clientErrors).as("requests that hung or broke").isEmpty();
          // gateway timeout of a sync run: timeout 5 s + lock wait 3 s + 5 s, plus scheduling slack
          assertThat(slowestMillis).allMatch(ms -> ms < 15_000);
          assertThat(ownerLostMillis).as("runs whose node died, answered (ms after the kill)").allMatch(ms -> ms < 3_000);
          // A request on a survivor may wait for a lock the dead node's run held: its lease (2 s) ends
          // first; so the bound for everything in flight is 3 s plus that lease.
          assertThat(inFlightAtKillMillis).as("requests in flight at the kill, answered (ms after it)")
              .allMatch(ms -> ms < 5_000);
          assertThat(statuses).isNotEmpty().allMatch(s -> s == 200 || s == 502 || s == 503 || s == 504 || s == 409);
          assertThat(statuses.stream().filter(s -> s == 200).count()).isGreaterThan(statuses.size() / 2);
          assertThat(overlaps.get()).as("runs of one lock key inside the step at once").isZero();
          tokens.forEach((key, list) -> {
            for (int i = 1; i < list.size(); i++) {
              assertThat(list.get(i)).as("token order of %s", key).isGreaterThan(list.get(i - 1));
            }
          });
          for (JsonObject failure : failures) {
            if (failure.containsKey("dlqId")) {
              assertThat(get(httpPort, "/v1/dlq/" + failure.getString("dlqId")).statusCode()).isEqualTo(200);
            }
          }
          Redis client = Redis.createClient(vertx, redis.url());
          long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
          while (!unfinishedRuns(client).isEmpty() && System.nanoTime() < deadline) {
            Await.result(vertx.timer(200));
          }
          assertThat(unfinishedRuns(client)).as("runs not finished (node logs in target/failover-nodes)").isEmpty();
        }
      } finally {
        TestVertx.close(vertx);
      }
    }
  }

  private NodeProcess node(String name, Map<String, String> env, int clusterPort, String verticles) throws Exception {
    // Node logs stay under target/ for a look after a failure.
    Path logs = Files.createDirectories(Path.of("target", "failover-nodes"));
    return NodeProcess.fromJar(ClusterIT.PLATFORM_JAR, name, logs, ClusterIT.nodeEnv(env, clusterPort), "--cluster",
        "--verticles", verticles);
  }

  private Path writeConfig(int stepPort) throws Exception {
    Path file = dir.resolve("cluster.yaml");
    Files.writeString(file, String.join("\n",
        "admin: { tokenSha256: \"" + Sha256.hex(ADMIN) + "\" }",
        "scaling: { minReplicas: 3 }",
        "tenants:",
        "  acme:",
        "    keys: [ { id: k1, sha256: \"" + Sha256.hex(KEY) + "\" } ]",
        "    rateLimits: { submit: [ { name: burst, limit: 100000, window: 1s } ], read: [ { name: r, limit: 100000, window: 1s } ] }",
        "    bulkhead: { maxConcurrent: 64, maxQueued: 256 }",
        "workflows:",
        "  work:",
        "    timeout: 5s",
        "    lock: { key: /key, ttl: 2s, wait: 3s }",
        "    steps: [ { name: call, retry: none, http: { url: \"http://127.0.0.1:" + stepPort + "/step\", timeout: 2s } } ]",
        ""));
    return file;
  }

  private void load(int httpPort, AtomicBoolean loading) {
    while (loading.get()) {
      String key = "k" + ThreadLocalRandom.current().nextInt(LOCK_KEYS);
      long start = System.nanoTime();
      try {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + httpPort + "/v1/workflows/work/runs"))
            .header("Authorization", "Bearer " + KEY).header("Content-Type", "application/json")
            .timeout(Duration.ofSeconds(20))
            .POST(HttpRequest.BodyPublishers.ofString("{\"input\":{\"key\":\"" + key + "\"}}")).build(),
            HttpResponse.BodyHandlers.ofString());
        long end = System.nanoTime();
        long millis = (end - start) / 1_000_000;
        long killedAt = killedAtNanos;
        if (start < killedAt && end > killedAt) {
          inFlightAtKillMillis.add((end - killedAt) / 1_000_000);
        }
        statuses.add(response.statusCode());
        slowestMillis.add(millis);
        if (response.statusCode() != 200) {
          assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
          JsonObject problem = new JsonObject(response.body());
          failures.add(problem);
          if (problem.getString("detail", "").contains("left the cluster")) {
            ownerLostMillis.add((end - killedAt) / 1_000_000);
          }
        }
      } catch (Exception | AssertionError e) {
        clientErrors.add(e.toString());
      }
    }
  }

  private JsonObject cluster(int httpPort) {
    try {
      return admin(httpPort, "/admin/cluster");
    } catch (Exception e) {
      return new JsonObject().put("members", new io.vertx.core.json.JsonArray());
    }
  }

  private JsonObject admin(int httpPort, String path) throws Exception {
    return new JsonObject(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
        .header("Authorization", "Bearer " + ADMIN).build(), HttpResponse.BodyHandlers.ofString()).body());
  }

  /** Workflow members that reported runs in their last interval. */
  private long runningMembers(int httpPort) {
    return cluster(httpPort).getJsonArray("members").stream().map(JsonObject.class::cast)
        .filter(m -> m.getJsonArray("verticles").contains("workflow") && m.getLong("runs", 0L) > 0).count();
  }

  private HttpResponse<String> get(int httpPort, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
        .header("Authorization", "Bearer " + KEY).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static List<String> unfinishedRuns(Redis client) {
    List<String> unfinished = new ArrayList<>();
    Response keys = Await.result(client.send(Request.cmd(Command.KEYS).arg("run:{acme}:*")));
    for (Response key : keys) {
      Response value = Await.result(client.send(Request.cmd(Command.GET).arg(key.toString())));
      if (value != null) {
        String status = new JsonObject(value.toString()).getString("status");
        if (!status.equals("succeeded") && !status.equals("dead_lettered") && !status.equals("failed")) {
          unfinished.add(key + "=" + status);
        }
      }
    }
    return unfinished;
  }
}
