package dev.wfgateway.bench;

import dev.wfgateway.common.Addresses;
import dev.wfgateway.common.NodeStatus;
import dev.wfgateway.dlq.DlqVerticle;
import dev.wfgateway.testkit.Await;
import dev.wfgateway.testkit.RedisFixture;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * DLQ throughput: adds acknowledged per second through {@code platform.dlq.add} (an answer means
 * durably stored) with many in flight, on the local journal and on Redis, after enough unmeasured
 * adds for the JIT to settle; and the start-up replay time of a local journal: a DLQ verticle
 * deployed over an existing journal of {@code replay} entries, timed from deploy to ready.
 *
 * <p>A figure counts only if the store took every measured add itself: the node's "DLQ writable"
 * flag is watched throughout (it drops whenever adds go to the local spool instead), and on Redis
 * the streams plus their eviction counters must account for every acknowledged add.
 */
final class DlqBench {
  static final double REDIS_TARGET_PER_SECOND = 20_000;
  static final long REPLAY_TARGET_MILLIS = 100;
  static final Duration MAX_TIME = Duration.ofSeconds(60);
  static final int WARMUP_ENTRIES = 50_000;
  static final int TENANTS = 8;
  static final int REPLAYS = 3;

  private final int entries;
  private final int concurrency;
  private final int replay;

  DlqBench(int entries, int concurrency, int replay) {
    this.entries = entries;
    this.concurrency = concurrency;
    this.replay = replay;
  }

  int run() throws Exception {
    Adds local;
    try (ComponentNode node = new ComponentNode(null)) {
      local = adds(node, WARMUP_ENTRIES, entries);
    }
    List<Long> replayMillis = new ArrayList<>();
    long replayed = 0;
    try (ComponentNode node = new ComponentNode(null)) {
      adds(node, 0, replay);
      // The first replay runs its code cold, as at a real start-up; the later ones show the warm cost.
      for (int i = 0; i < REPLAYS; i++) {
        long start = System.nanoTime();
        String id = deploy(node);
        replayMillis.add((System.nanoTime() - start) / 1_000_000);
        replayed = Await.result(node.vertx.eventBus().<JsonObject>request(Addresses.DLQ_STATS, new JsonObject()))
            .body().getLong("size");
        Await.result(node.vertx.undeploy(id));
      }
    }
    long coldReplay = replayMillis.get(0);
    Adds redis;
    boolean everyAddInRedis;
    try (RedisFixture server = RedisFixture.start(); ComponentNode node = new ComponentNode(server.url())) {
      redis = adds(node, WARMUP_ENTRIES, entries);
      long inRedis = 0;
      for (int t = 0; t < TENANTS; t++) {
        inRedis += integer(server.command("XLEN dlq:{tenant-" + t + "}")) + integer(server.command(
            "EVAL \"return tonumber(redis.call('HGET', KEYS[1], 'evictions') or 0)\" 1 dlqstats:{tenant-" + t + "}"));
      }
      long acknowledged = WARMUP_ENTRIES + redis.measured.completed;
      everyAddInRedis = inRedis == acknowledged;
      System.out.println("Redis holds " + inRedis + " of " + acknowledged + " acknowledged adds (streams + evicted)");
    }
    System.out.println();
    System.out.println("| measured | result | target |");
    System.out.println("|---|---|---|");
    System.out.println(String.format(Locale.ROOT, "| local journal adds (%d in flight) | %,.0f/s (%s) | – |",
        concurrency, local.measured.perSecond(), local.measured));
    System.out.println(String.format(Locale.ROOT, "| Redis Streams adds (%d in flight) | %,.0f/s (%s) | ≥ %,.0f/s: %s |",
        concurrency, redis.measured.perSecond(), redis.measured, REDIS_TARGET_PER_SECOND,
        redis.measured.perSecond() >= REDIS_TARGET_PER_SECOND ? "met" : "MISSED"));
    System.out.println(String.format(Locale.ROOT,
        "| start-up replay of %,d local entries | %d ms cold, then %s ms (%,d entries back) | < %d ms: %s |",
        replay, coldReplay, replayMillis.subList(1, replayMillis.size()), replayed, REPLAY_TARGET_MILLIS,
        coldReplay < REPLAY_TARGET_MILLIS ? "met" : "MISSED cold" + (Collections.min(replayMillis) < REPLAY_TARGET_MILLIS
            ? ", met warm" : "")));
    boolean sound = local.sound() && redis.sound() && everyAddInRedis && replayed == replay;
    System.out.println(sound ? "every add acknowledged, none through the spool, every Redis add in Redis, every entry replayed"
        : "FAIL: adds failed, went through the spool or are missing from Redis, or entries missing after replay");
    return sound ? 0 : 1;
  }

  /** The measured adds, and whether any of them went to the spool (the store could not take them). */
  private record Adds(ClosedLoop.Result measured, boolean spooled) {
    boolean sound() {
      return measured.failed == 0 && !spooled;
    }
  }

  /**
   * Deploys a DLQ verticle, sends {@code warmup} unmeasured adds, waits until its store takes adds
   * itself again (a cold JVM can make Redis time out under this load, and the adds then spool until
   * drained), then sends {@code count} measured ones and undeploys it (flushed).
   */
  private Adds adds(ComponentNode node, int warmup, int count) {
    Vertx vertx = node.vertx;
    String id = deploy(node);
    long[] sequence = {0};
    Supplier<Future<?>> add = () -> vertx.eventBus().request(Addresses.DLQ_ADD, entry(sequence[0]++));
    if (warmup > 0) {
      Await.result(ClosedLoop.run(vertx.getOrCreateContext(), concurrency, warmup, MAX_TIME, add), MAX_TIME.plusSeconds(30));
    }
    Await.until("the DLQ store to take adds itself", MAX_TIME, () -> Boolean.TRUE.equals(writable(vertx)));
    SpoolWatch spoolWatch = new SpoolWatch(vertx);
    ClosedLoop.Result result = Await.result(ClosedLoop.run(vertx.getOrCreateContext(), concurrency, count, MAX_TIME, add),
        MAX_TIME.plusSeconds(30));
    spoolWatch.stop();
    Await.result(vertx.undeploy(id), Duration.ofSeconds(60));
    System.out.println("DLQ adds (" + (node.config.containsKey("redis") ? "redis" : "local") + "): " + result
        + (spoolWatch.spooled ? "; SOME WENT TO THE SPOOL" : ""));
    return new Adds(result, spoolWatch.spooled);
  }

  private static Boolean writable(Vertx vertx) {
    return vertx.sharedData().<String, Boolean>getLocalMap(NodeStatus.MAP).get(NodeStatus.DLQ_WRITABLE);
  }

  /** A RESP integer reply ({@code :42}) as a number. */
  private static long integer(String reply) {
    if (reply == null || !reply.startsWith(":")) {
      throw new IllegalStateException("expected an integer reply from Redis, got " + reply);
    }
    return Long.parseLong(reply.substring(1));
  }

  /** Polls the node's DLQ-writable flag, which is false whenever adds go to the local spool. */
  private static final class SpoolWatch {
    private final Vertx vertx;
    private final long timer;
    private volatile boolean spooled;

    SpoolWatch(Vertx vertx) {
      this.vertx = vertx;
      this.timer = vertx.setPeriodic(10, id -> spooled |= Boolean.FALSE.equals(writable(vertx)));
    }

    void stop() {
      vertx.cancelTimer(timer);
    }
  }

  private static String deploy(ComponentNode node) {
    return Await.result(node.vertx.deployVerticle(new DlqVerticle(new SimpleMeterRegistry()),
        new DeploymentOptions().setConfig(node.config)), Duration.ofSeconds(60));
  }

  private static JsonObject entry(long n) {
    String now = Instant.now().toString();
    return new JsonObject().put("tenant", "tenant-" + n % TENANTS).put("workflow", "bench").put("runId", "run-" + n)
        .put("input", new JsonObject().put("n", n)).put("reason", "step_failed")
        .put("error", new JsonObject().put("type", "http_500").put("message", "downstream failed").put("step", "call"))
        .put("attempts", 3).put("firstFailedAt", now).put("lastFailedAt", now).put("source", "http");
  }
}
