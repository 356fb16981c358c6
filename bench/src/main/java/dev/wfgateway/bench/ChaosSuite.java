package dev.wfgateway.bench;

import dev.wfgateway.testkit.Await;
import dev.wfgateway.testkit.RedisCluster;
import dev.wfgateway.testkit.RedisFixture;
import dev.wfgateway.testkit.RedisSentinels;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongFunction;
import java.util.stream.Collectors;

/**
 * Chaos under load, on the Redis backend: each scenario drives the {@code chaos} workflow open-loop,
 * injects a fault {@link #FAULT_AT} into the run, heals it {@link #FAULT_FOR} later, and then checks:
 * no request lost (every answer is a success, a clear 503, a 502/504 whose DLQ entry exists, or a
 * run recorded as failed with its error), no two runs of one lock key inside the step at once,
 * and recovery: every request sent after the recovery point succeeded.
 *
 * <p>The first four scenarios run on one in-process node. {@code workflow-node-restart} runs on a
 * cluster of real JVMs ({@link ClusterUnderTest}): one workflow node is SIGKILLed and started
 * again {@link #NODE_DOWN} later. Its recovery counts from the moment the restarted node has
 * started, so it includes the cost of a cold node joining. It also reports the takeover: the same
 * measure from the kill, over the requests sent before the restart (how long the survivors took to
 * carry everything alone). It also checks that every run answered 503 because its node
 * died ends finished (run again elsewhere, or dead-lettered), that the restarted node takes work,
 * and that no node logged a blocked event loop.
 *
 * <p>{@code local-node-kill9} needs no Redis: the embedded default, one node JVM on the local
 * backend ({@link LocalNodeUnderTest}), takes async submits, is SIGKILLed and started again on the
 * same journals; every run it answered 202 for must end ({@link AcceptedRunsVerdict}).
 */
final class ChaosSuite {
  static final double RATE = 50;
  static final int KEYS = 100;
  static final Duration FAULT_AT = Duration.ofSeconds(3);
  static final Duration FAULT_FOR = Duration.ofSeconds(3);
  /** How long the survivors carry the load alone before the killed node starts again. */
  static final Duration NODE_DOWN = Duration.ofSeconds(10);
  /** Long enough for the killed node to start again (about 20 s on 2 busy cores), warm up and take work. */
  static final Duration NODE_RESTART_LOAD = Duration.ofSeconds(70);
  static final Duration RUNS_SETTLE = Duration.ofSeconds(60);
  static final String NODE_RESTART = "workflow-node-restart";
  static final String LOCAL_KILL9 = "local-node-kill9";
  /** How long the killed local node stays down before it is started again, as a supervisor's restart delay would. */
  static final Duration LOCAL_RESTART_PAUSE = Duration.ofSeconds(1);
  /**
   * Long enough for the local node to start again and take load for a while; shorter than the
   * bench's {@code runs.retention} (30 s), so no run record has expired when the runs are polled.
   */
  static final Duration LOCAL_KILL9_LOAD = Duration.ofSeconds(20);
  static final List<String> IN_PROCESS = List.of("downstream-500", "downstream-hang", "dlq-redeploy", "redis-flushall",
      "redis-restart");
  /** Production Redis topologies: one in-process node on a real Redis Cluster or behind real sentinels. */
  static final List<String> TOPOLOGY = List.of("redis-cluster-replica-kill", "redis-cluster-master-kill",
      "redis-cluster-master-pause", "redis-sentinel-failover");
  /** Long enough for the cluster (node timeout 2 s) or the sentinels to fail over inside the fault. */
  static final Duration FAILOVER_FOR = Duration.ofSeconds(8);
  /** Every answer of a scenario, one line each, for a look at its timeline. */
  private static final Path ANSWERS = Path.of("target", "chaos-answers");

  /**
   * A named fault: what breaks it, for how long, and what heals it; both run on the bench's main
   * thread. {@code keepsLocks}: false for a fault that makes Redis lose the lock keys, where two runs
   * of a key may overlap (reported, not failed); their fencing tokens must still only grow.
   */
  private record Fault(String name, Runnable inject, Duration lasting, Runnable heal, boolean keepsLocks) {
    Fault(String name, Runnable inject, Duration lasting, Runnable heal) {
      this(name, inject, lasting, heal, true);
    }

    Fault(String name, Runnable inject, Runnable heal) {
      this(name, inject, FAULT_FOR, heal);
    }
  }

  /** What a scenario checks beyond the answers, once they are in; each string is a problem found. */
  private interface Afterwards {
    List<String> check(List<ChaosAnswer> answers);
  }

  private final Vertx loadVertx;
  private final Context context;
  private final Duration duration;
  private final List<String> only;
  private final List<String> rows = new ArrayList<>(List.of(
      "| scenario | requests | statuses (0 = no answer) | 200 | dead-lettered (entry found) | 503 | dead-lettered late | lost"
          + " | duplicates | recovery ms | verdict |",
      "|---|---|---|---|---|---|---|---|---|---|---|"));

  ChaosSuite(Vertx loadVertx, Duration duration, List<String> only) {
    this.loadVertx = loadVertx;
    this.context = loadVertx.getOrCreateContext();
    this.duration = duration;
    this.only = only;
  }

  private boolean selected(String scenario) {
    return only.isEmpty() || only.contains(scenario);
  }

  int run() throws Exception {
    int failures = 0;
    try (RedisFixture redis = RedisFixture.start()) {
      failures += runInProcess(redis);
      failures += runTopologies();
      if (selected(NODE_RESTART)) {
        failures += runNodeRestart(redis.url()) ? 0 : 1;
      }
    }
    if (selected(LOCAL_KILL9)) {
      failures += runLocalKill9() ? 0 : 1;
    }
    System.out.println();
    System.out.println(String.join("\n", rows));
    return failures;
  }

  /** The faults one in-process node can suffer: downstream 500s and hangs, the DLQ away, Redis restarted. */
  private int runInProcess(RedisFixture redis) throws Exception {
    int failures = 0;
    if (IN_PROCESS.stream().noneMatch(this::selected)) {
      return failures;
    }
    try (PlatformUnderTest node = new PlatformUnderTest(redis.url())) {
      HttpTarget gateway = new HttpTarget(loadVertx, node.gatewayPort());
      EchoServices echo = node.echo;
      List<Fault> faults = new ArrayList<>(List.of(
          new Fault("downstream-500", () -> echo.downstream(EchoServices.Downstream.FAILING),
              () -> echo.downstream(EchoServices.Downstream.HEALTHY)),
          new Fault("downstream-hang", () -> echo.downstream(EchoServices.Downstream.HANGING),
              () -> echo.downstream(EchoServices.Downstream.HEALTHY)),
          // Runs fail while the DLQ is away: each must still end dead-lettered or clearly failed.
          new Fault("dlq-redeploy", () -> {
            echo.downstream(EchoServices.Downstream.FAILING);
            Await.result(node.undeployDlq());
          }, () -> {
            Await.result(node.deployDlq());
            echo.downstream(EchoServices.Downstream.HEALTHY);
          })));
      // Redis forgets everything, lock keys and fencing counters included, twice, 1.5 s apart.
      faults.add(new Fault("redis-flushall", () -> redis.command("FLUSHALL"), Duration.ofMillis(1500),
          () -> redis.command("FLUSHALL"), false));
      if (redis.controllable()) {
        faults.add(new Fault("redis-restart", redis::stopServer, () -> {
          try {
            redis.startServer();
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }));
      } else {
        System.out.println("redis-restart skipped: REDIS_URL names a server this suite may not stop");
      }
      Await.result(OpenLoopLoad.run(context, "warm-up", RATE, Duration.ZERO, Duration.ofSeconds(3),
          i -> submit(gateway, i).map(Outcome.OK)), Duration.ofSeconds(30));
      for (Fault fault : faults.stream().filter(f -> selected(f.name())).toList()) {
        failures += runScenario(fault, gateway, node.echo.locked(), duration, answers -> List.of()) ? 0 : 1;
      }
      Await.result(gateway.close());
    }
    return failures;
  }

  /**
   * The faults of a production topology, each on a fresh cluster or sentinel set: its recovery is
   * also reported from the moment of the fault, since a failover heals before the fault "ends".
   */
  private int runTopologies() throws Exception {
    int failures = 0;
    String slot = "{" + BenchConfig.TENANT + "}";
    for (String scenario : TOPOLOGY.stream().filter(this::selected).toList()) {
      long[] injectedAt = new long[1];
      if (scenario.startsWith("redis-cluster")) {
        try (RedisCluster cluster = RedisCluster.start(Duration.ofSeconds(2))) {
          RedisCluster.Node master = cluster.masterForKey(slot);
          RedisCluster.Node victim = scenario.equals("redis-cluster-replica-kill") ? cluster.replicaOf(master) : master;
          Fault fault = switch (scenario) {
            case "redis-cluster-replica-kill" -> new Fault(scenario, () -> injectedAt[0] = kill(cluster, victim),
                () -> cluster.restart(victim));
            case "redis-cluster-master-kill" -> new Fault(scenario, () -> injectedAt[0] = kill(cluster, victim),
                FAILOVER_FOR, () -> cluster.restart(victim));
            default -> new Fault(scenario, () -> {
              injectedAt[0] = System.nanoTime();
              cluster.pause(victim);
            }, FAILOVER_FOR, () -> {
              cluster.resume(victim);
              cluster.awaitReady(Duration.ofSeconds(30));
            });
          };
          failures += runOnTopology(fault, new JsonObject().put("type", "cluster")
              .put("endpoints", new JsonArray(List.copyOf(cluster.endpoints()))), injectedAt) ? 0 : 1;
        }
      } else {
        try (RedisSentinels sentinels = RedisSentinels.start("prod")) {
          Fault fault = new Fault(scenario, () -> {
            injectedAt[0] = System.nanoTime();
            sentinels.killMaster();
          }, FAILOVER_FOR, () -> sentinels.awaitFailover(Duration.ofSeconds(30)));
          failures += runOnTopology(fault, new JsonObject().put("type", "sentinel").put("masterName", "prod")
              .put("endpoints", new JsonArray(List.copyOf(sentinels.endpoints()))), injectedAt) ? 0 : 1;
        }
      }
    }
    return failures;
  }

  private static long kill(RedisCluster cluster, RedisCluster.Node node) {
    long now = System.nanoTime();
    cluster.kill(node);
    return now;
  }

  private boolean runOnTopology(Fault fault, JsonObject redis, long[] injectedAt) throws Exception {
    try (PlatformUnderTest node = new PlatformUnderTest(redis)) {
      HttpTarget gateway = new HttpTarget(loadVertx, node.gatewayPort());
      Await.result(OpenLoopLoad.run(context, "warm-up", RATE, Duration.ZERO, Duration.ofSeconds(3),
          i -> submit(gateway, i).map(Outcome.OK)), Duration.ofSeconds(30));
      boolean passed = runScenario(fault, gateway, node.echo.locked(), duration.plus(FAILOVER_FOR), answers -> {
        System.out.println(fault.name() + ": every request succeeded again from "
            + ChaosVerdict.recoveryMillis(answers, injectedAt[0]) + " ms after the fault");
        return List.of();
      });
      Await.result(gateway.close());
      return passed;
    }
  }

  /** SIGKILLs one workflow node of a three-node cluster under load, then starts it again. */
  private boolean runNodeRestart(String redisUrl) throws Exception {
    try (ClusterUnderTest cluster = new ClusterUnderTest(redisUrl)) {
      HttpTarget gateway = new HttpTarget(loadVertx, cluster.gatewayPort());
      Await.result(OpenLoopLoad.run(context, "warm-up", RATE, Duration.ZERO, Duration.ofSeconds(5),
          i -> submit(gateway, i).map(Outcome.OK)), Duration.ofSeconds(60));
      String victim = ClusterUnderTest.WORKFLOW_NODES.get(0);
      List<String> problems = new ArrayList<>();
      long[] killedAndRestarting = new long[2];
      List<Future<Boolean>> tookWork = new ArrayList<>();
      Fault fault = new Fault(NODE_RESTART, () -> {
        killedAndRestarting[0] = System.nanoTime();
        cluster.kill(victim);
      }, NODE_DOWN, () -> {
        killedAndRestarting[1] = System.nanoTime();
        cluster.restart(victim);
        tookWork.add(workflowNodesRunning(gateway, 2, Duration.ofSeconds(30)));
      });
      boolean passed = runScenario(fault, gateway, cluster.echo.locked(), NODE_RESTART_LOAD, answers -> {
        long takeover = ChaosVerdict.recoveryMillis(answers.stream()
            .filter(a -> a.sentNanos() < killedAndRestarting[1]).toList(), killedAndRestarting[0]);
        System.out.println(NODE_RESTART + ": the survivors carried every request from " + takeover
            + " ms after the kill");
        if (takeover < 0) {
          problems.add("the survivors never carried every request before the restart");
        }
        if (!Await.result(tookWork.get(0), Duration.ofSeconds(60))) {
          problems.add("the restarted node took no work within 30 s");
        }
        problems.addAll(unfinishedRuns(gateway, answers));
        cluster.blockedThreadWarnings().forEach(line -> problems.add("blocked event loop: " + line));
        return problems;
      });
      Await.result(gateway.close());
      return passed;
    }
  }

  /** Completes with whether {@code count} workflow nodes report runs in {@code /admin/cluster} within {@code timeout}. */
  private Future<Boolean> workflowNodesRunning(HttpTarget gateway, int count, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    return gateway.send(HttpMethod.GET, "/admin/cluster",
            MultiMap.caseInsensitiveMultiMap().add("Authorization", "Bearer " + ClusterUnderTest.ADMIN_TOKEN), null)
        .map(answer -> answer.status() != 200 ? 0 : answer.body().toJsonObject().getJsonArray("members").stream()
            .map(JsonObject.class::cast)
            .filter(m -> m.getJsonArray("verticles").contains("workflow") && m.getLong("runs", 0L) > 0).count())
        .otherwise(0L)
        .compose(running -> running >= count ? Future.succeededFuture(true)
            : System.nanoTime() > deadline ? Future.succeededFuture(false)
            : loadVertx.timer(500, TimeUnit.MILLISECONDS).compose(t -> workflowNodesRunning(gateway, count,
                Duration.ofNanos(deadline - System.nanoTime()))));
  }

  /**
   * Runs answered 503 with a runId (their node died under them) that are not finished within
   * {@link #RUNS_SETTLE}: a survivor must run each again or dead-letter it. A 404 counts as finished:
   * the run is past its retention.
   */
  private List<String> unfinishedRuns(HttpTarget gateway, List<ChaosAnswer> answers) {
    List<String> pending = answers.stream().filter(a -> a.status() == 503 && a.field("runId") != null)
        .map(a -> a.field("runId")).toList();
    List<String> unfinished = new RunPoller(loadVertx, gateway).untilSettled(pending, RUNS_SETTLE).entrySet().stream()
        .filter(run -> !run.getValue().settled()).map(Map.Entry::getKey).toList();
    return unfinished.isEmpty() ? List.of()
        : List.of(unfinished.size() + " of " + pending.size() + " runs of a dead node unfinished: " + unfinished);
  }

  /**
   * SIGKILLs the one node of the embedded default (local backend) under async submits and starts it
   * again {@link #LOCAL_RESTART_PAUSE} later on the same journals and port; then every run it had
   * answered 202 for must end, and each dead-lettered one have its DLQ entry.
   */
  private boolean runLocalKill9() throws Exception {
    try (LocalNodeUnderTest node = new LocalNodeUnderTest()) {
      HttpTarget gateway = new HttpTarget(loadVertx, node.gatewayPort());
      Await.result(OpenLoopLoad.run(context, "warm-up", RATE, Duration.ZERO, Duration.ofSeconds(3),
          i -> submitAsync(gateway, i).map(Outcome.OK)), Duration.ofSeconds(30));
      long[] restartNanos = new long[1];
      Fault fault = new Fault(LOCAL_KILL9, node::kill, LOCAL_RESTART_PAUSE, () -> {
        restartNanos[0] = System.nanoTime();
        node.restart();
      });
      Driven driven = drive(fault, node.echo.locked(), LOCAL_KILL9_LOAD, i -> submitAsync(gateway, i));
      Map<String, RunPoller.Check> runs = new RunPoller(loadVertx, gateway)
          .untilSettled(AcceptedRunsVerdict.acceptedRunIds(driven.answers()), RUNS_SETTLE);
      AcceptedRunsVerdict verdict = AcceptedRunsVerdict.judge(driven.answers(), driven.injectedNanos(), restartNanos[0],
          driven.healedNanos(), runs, dlqId -> Await.result(exists(gateway, "/v1/dlq/" + dlqId).otherwise(false)));
      reportLocalKill9(driven, verdict, restartNanos[0], node);
      List<String> problems = new ArrayList<>();
      if (driven.unanswered() > 0) {
        problems.add(driven.unanswered() + " submits without an answer within the drain deadline");
      }
      problems.addAll(staleTokens(driven));
      node.blockedThreadWarnings().forEach(line -> problems.add("blocked event loop: " + line));
      boolean passed = verdict.passed() && driven.overlaps() == 0 && problems.isEmpty();
      addRow(LOCAL_KILL9, driven.result().requests(), verdict.statuses(), "–", verdict.deadLetteredFound(),
          verdict.statuses().getOrDefault(503, 0), "–", verdict.lostCount(), driven.overlaps(),
          millisOrNever(verdict.recoveryMillis()), passed ? "PASS"
              : "FAIL lost " + verdict.lost() + ", unexpected " + verdict.unexpected() + " " + problems);
      Await.result(gateway.close());
      return passed;
    }
  }

  private static void reportLocalKill9(Driven driven, AcceptedRunsVerdict verdict, long restartNanos,
      LocalNodeUnderTest node) {
    System.out.println(LOCAL_KILL9 + ": " + verdict.accepted() + " submits answered 202, " + verdict.refusedWhileDown()
        + " refused while the node was down; it had started again " + (driven.healedNanos() - restartNanos) / 1_000_000
        + " ms after the restart command, and answered every submit 202 from " + millisOrNever(verdict.recoveryMillis())
        + " ms");
    System.out.println(LOCAL_KILL9 + ": runs answered 202 before the kill ended " + verdict.outcomesBeforeKill()
        + ", after it " + verdict.outcomesAfterKill() + "; of the unfinished runs in its journal the restarted node"
        + " started " + node.journalRecoveries(LocalNodeUnderTest.STARTED_AGAIN) + " again (still queued) and"
        + " dead-lettered " + node.journalRecoveries(LocalNodeUnderTest.DEAD_LETTERED) + " (a step begun)");
  }

  /** What a downstream that checks fencing tokens would have refused: must be nothing. */
  private static List<String> staleTokens(Driven driven) {
    return driven.staleTokens() == 0 ? List.of()
        : List.of(driven.staleTokens() + " step calls carried a fencing token smaller than one before them");
  }

  private boolean runScenario(Fault fault, HttpTarget gateway, LockedStepRecorder locked, Duration duration,
      Afterwards afterwards) {
    Driven driven = drive(fault, locked, duration, i -> submit(gateway, i));
    // A DLQ entry written while Redis was away drains from the local spool shortly after it is back.
    Await.result(loadVertx.timer(2, TimeUnit.SECONDS));
    List<String> problems = new ArrayList<>(afterwards.check(driven.answers()));
    problems.addAll(staleTokens(driven));
    if (!fault.keepsLocks()) {
      System.out.println(fault.name() + ": " + driven.overlaps() + " overlaps while Redis had lost the lock keys (allowed), "
          + driven.staleTokens() + " stale fencing tokens (must be 0)");
    }
    ChaosVerdict verdict = ChaosVerdict.judge(driven.answers(), driven.unanswered(), driven.healedNanos(),
        fault.keepsLocks() ? driven.overlaps() : 0, id -> exists(gateway, "/v1/dlq/" + id),
        runId -> deadLetteredLate(gateway, runId));
    boolean passed = verdict.passed() && problems.isEmpty();
    addRow(fault.name(), driven.result().requests(), verdict.statuses(), verdict.succeeded(), verdict.deadLettered(),
        verdict.refused(), verdict.deadLetteredLate(), verdict.lost(), verdict.duplicates(),
        millisOrNever(verdict.recoveryMillis()), passed ? "PASS" : "FAIL" + verdict.lostKinds() + " " + problems);
    return passed;
  }

  /** What one scenario's load got, when its fault was injected and healed, and the lock recorder's counts meanwhile. */
  private record Driven(LoadResult result, List<ChaosAnswer> answers, long injectedNanos, long healedNanos,
      long overlaps, long staleTokens) {
    long unanswered() {
      return result.requests() - answers.size();
    }
  }

  /**
   * Drives {@code submit} open-loop at {@link #RATE} for {@code duration}, injects the fault
   * {@link #FAULT_AT} into it and heals it once it has lasted, waits for the answers and writes the
   * timeline.
   */
  private Driven drive(Fault fault, LockedStepRecorder locked, Duration duration,
      LongFunction<Future<ChaosAnswer>> submit) {
    long overlapsBefore = locked.overlaps();
    long staleBefore = locked.staleTokens();
    List<ChaosAnswer> answers = new ArrayList<>();
    Future<LoadResult> load = OpenLoopLoad.run(context, fault.name(), RATE, Duration.ZERO, duration,
        i -> submit.apply(i).onSuccess(answers::add).map(Outcome.OK));
    Await.result(loadVertx.timer(FAULT_AT.toMillis(), TimeUnit.MILLISECONDS));
    long injectedNanos = System.nanoTime();
    fault.inject().run();
    Await.result(loadVertx.timer(fault.lasting().toMillis(), TimeUnit.MILLISECONDS));
    fault.heal().run();
    long healedNanos = System.nanoTime();
    LoadResult result = Await.result(load, duration.plus(OpenLoopLoad.DRAIN).plusSeconds(10));
    List<ChaosAnswer> settled = Await.result(copyOnContext(answers));
    writeTimeline(fault.name(), settled, locked.overlapNanos(), injectedNanos, healedNanos);
    return new Driven(result, settled, injectedNanos, healedNanos, locked.overlaps() - overlapsBefore,
        locked.staleTokens() - staleBefore);
  }

  private void addRow(Object... cells) {
    String row = Arrays.stream(cells).map(String::valueOf).collect(Collectors.joining(" | ", "| ", " |"));
    System.out.println(row);
    rows.add(row);
  }

  private static Object millisOrNever(long millis) {
    return millis < 0 ? "never" : millis;
  }

  /**
   * {@code target/chaos-answers/<scenario>.csv}: per answer, ms sent after the fault, ms to answer,
   * status and problem type.
   */
  private static void writeTimeline(String scenario, List<ChaosAnswer> answers, List<Long> overlapNanos,
      long injectedNanos, long healedNanos) {
    List<String> lines = new ArrayList<>(List.of("# fault at 0 ms, recovery counted from "
        + (healedNanos - injectedNanos) / 1_000_000 + " ms, duplicates at ms "
        + overlapNanos.stream().map(n -> (n - injectedNanos) / 1_000_000).toList(), "sent_ms,answer_ms,status,type"));
    answers.stream().sorted(Comparator.comparingLong(ChaosAnswer::sentNanos)).forEach(a -> lines.add(
        (a.sentNanos() - injectedNanos) / 1_000_000 + "," + (a.answeredNanos() - a.sentNanos()) / 1_000_000 + ","
            + a.status() + "," + (a.ok() || a.field("type") == null ? "" : a.field("type"))));
    try {
      Files.createDirectories(ANSWERS);
      Files.write(ANSWERS.resolve(scenario + ".csv"), lines);
    } catch (IOException e) {
      System.out.println("could not write the timeline of " + scenario + ": " + e);
    }
  }

  /** The answers so far, copied on the load context that appends to them. */
  private Future<List<ChaosAnswer>> copyOnContext(List<ChaosAnswer> answers) {
    Promise<List<ChaosAnswer>> copy = Promise.promise();
    context.runOnContext(v -> copy.complete(List.copyOf(answers)));
    return copy.future();
  }

  /** One run of the chaos workflow on key {@code i % KEYS}; the future always succeeds, with its answer. */
  private static Future<ChaosAnswer> submit(HttpTarget gateway, long i) {
    return send(gateway, GatewayCalls.headers(BenchConfig.TENANT), i);
  }

  /** The same with {@code Prefer: respond-async}: answered 202 with the queued run. */
  private static Future<ChaosAnswer> submitAsync(HttpTarget gateway, long i) {
    return send(gateway, GatewayCalls.headers(BenchConfig.TENANT).add("Prefer", "respond-async"), i);
  }

  private static Future<ChaosAnswer> send(HttpTarget gateway, MultiMap headers, long i) {
    long sent = System.nanoTime();
    JsonObject body = new JsonObject().put("input", new JsonObject().put("key", "k-" + i % KEYS));
    return gateway.send(HttpMethod.POST, GatewayCalls.runsPath(BenchConfig.CHAOS), headers, body.toBuffer())
        .transform(ar -> Future.succeededFuture(ar.succeeded()
            ? new ChaosAnswer(sent, System.nanoTime(), ar.result().status(), json(ar.result()))
            : new ChaosAnswer(sent, System.nanoTime(), 0, null)));
  }

  private static JsonObject json(HttpTarget.Answer answer) {
    try {
      return answer.body().toJsonObject();
    } catch (RuntimeException e) {
      return null;
    }
  }

  private Future<Boolean> exists(HttpTarget gateway, String path) {
    return gateway.send(HttpMethod.GET, path, GatewayCalls.headers(BenchConfig.TENANT), null).map(a -> a.status() == 200);
  }

  /** True when the run, answered before the DLQ could take it, is now dead-lettered and its entry exists. */
  private Future<Boolean> deadLetteredLate(HttpTarget gateway, String runId) {
    return gateway.send(HttpMethod.GET, "/v1/runs/" + runId, GatewayCalls.headers(BenchConfig.TENANT), null)
        .compose(a -> {
          JsonObject run = a.status() == 200 ? a.body().toJsonObject() : null;
          return run != null && "dead_lettered".equals(run.getString("status")) && run.getString("dlqId") != null
              ? exists(gateway, "/v1/dlq/" + run.getString("dlqId")) : Future.succeededFuture(false);
        });
  }
}
