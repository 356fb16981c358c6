package dev.wfgateway.bench;

import dev.wfgateway.common.Addresses;
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
 * durably stored) with many in flight, on the local journal and on Redis; and the start-up replay
 * time of a local journal: a DLQ verticle deployed over an existing journal of {@code replay}
 * entries, timed from deploy to ready.
 */
final class DlqBench {
  static final double REDIS_TARGET_PER_SECOND = 20_000;
  static final long REPLAY_TARGET_MILLIS = 100;
  static final Duration MAX_TIME = Duration.ofSeconds(60);
  static final int WARMUP_ENTRIES = 5_000;
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
    ClosedLoop.Result local;
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
    ClosedLoop.Result redis;
    try (RedisFixture server = RedisFixture.start(); ComponentNode node = new ComponentNode(server.url())) {
      redis = adds(node, WARMUP_ENTRIES, entries);
    }
    System.out.println();
    System.out.println("| measured | result | target |");
    System.out.println("|---|---|---|");
    System.out.println(String.format(Locale.ROOT, "| local journal adds (%d in flight) | %,.0f/s (%s) | – |",
        concurrency, local.perSecond(), local));
    System.out.println(String.format(Locale.ROOT, "| Redis Streams adds (%d in flight) | %,.0f/s (%s) | ≥ %,.0f/s: %s |",
        concurrency, redis.perSecond(), redis, REDIS_TARGET_PER_SECOND,
        redis.perSecond() >= REDIS_TARGET_PER_SECOND ? "met" : "MISSED"));
    System.out.println(String.format(Locale.ROOT,
        "| start-up replay of %,d local entries | %d ms cold, then %s ms (%,d entries back) | < %d ms: %s |",
        replay, coldReplay, replayMillis.subList(1, replayMillis.size()), replayed, REPLAY_TARGET_MILLIS,
        coldReplay < REPLAY_TARGET_MILLIS ? "met" : "MISSED cold" + (Collections.min(replayMillis) < REPLAY_TARGET_MILLIS
            ? ", met warm" : "")));
    boolean sound = local.failed == 0 && redis.failed == 0 && replayed == replay;
    System.out.println(sound ? "every add acknowledged and every entry replayed"
        : "FAIL: adds failed or entries missing after replay");
    return sound ? 0 : 1;
  }

  /**
   * Deploys a DLQ verticle, sends {@code warmup} unmeasured adds and then {@code count} measured ones,
   * undeploys it (flushed); returns the measured add throughput.
   */
  private ClosedLoop.Result adds(ComponentNode node, int warmup, int count) {
    Vertx vertx = node.vertx;
    String id = deploy(node);
    long[] sequence = {0};
    Supplier<Future<?>> add = () -> vertx.eventBus().request(Addresses.DLQ_ADD, entry(sequence[0]++));
    if (warmup > 0) {
      Await.result(ClosedLoop.run(vertx.getOrCreateContext(), concurrency, warmup, MAX_TIME, add), MAX_TIME.plusSeconds(30));
    }
    ClosedLoop.Result result = Await.result(ClosedLoop.run(vertx.getOrCreateContext(), concurrency, count, MAX_TIME, add),
        MAX_TIME.plusSeconds(30));
    Await.result(vertx.undeploy(id), Duration.ofSeconds(60));
    System.out.println("DLQ adds (" + (node.config.containsKey("redis") ? "redis" : "local") + "): " + result);
    return result;
  }

  private static String deploy(ComponentNode node) {
    return Await.result(node.vertx.deployVerticle(new DlqVerticle(new SimpleMeterRegistry()),
        new DeploymentOptions().setConfig(node.config)), Duration.ofSeconds(60));
  }

  private static JsonObject entry(long n) {
    String now = Instant.now().toString();
    return new JsonObject().put("tenant", "tenant-" + n % 8).put("workflow", "bench").put("runId", "run-" + n)
        .put("input", new JsonObject().put("n", n)).put("reason", "step_failed")
        .put("error", new JsonObject().put("type", "http_500").put("message", "downstream failed").put("step", "call"))
        .put("attempts", 3).put("firstFailedAt", now).put("lastFailedAt", now).put("source", "http");
  }
}
