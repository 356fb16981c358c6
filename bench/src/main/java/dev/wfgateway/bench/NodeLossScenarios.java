package dev.wfgateway.bench;

import dev.wfgateway.bench.ChaosRunner.Driven;
import dev.wfgateway.bench.ChaosRunner.Fault;
import dev.wfgateway.testkit.Await;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The chaos scenarios in which a platform node dies, each on node JVMs of its own:
 * {@value #NODE_RESTART} (one workflow node of a cluster SIGKILLed and started again, Redis
 * backend) and {@value #LOCAL_KILL9} (the one node of the embedded default SIGKILLed and started
 * again on its journals).
 */
final class NodeLossScenarios {
  static final String NODE_RESTART = "workflow-node-restart";
  static final String LOCAL_KILL9 = "local-node-kill9";
  /** How long the survivors carry the load alone before the killed node starts again. */
  private static final Duration NODE_DOWN = Duration.ofSeconds(10);
  /** Long enough for the killed node to start again (about 20 s on 2 busy cores), warm up and take work. */
  private static final Duration NODE_RESTART_LOAD = Duration.ofSeconds(70);
  private static final Duration RUNS_SETTLE = Duration.ofSeconds(60);
  /** How long the killed local node stays down before it is started again, as a supervisor's restart delay would. */
  private static final Duration LOCAL_RESTART_PAUSE = Duration.ofSeconds(1);
  /**
   * Long enough for the local node to start again and take load for a while; shorter than the
   * bench's {@code runs.retention} (30 s), so no run record has expired when the runs are polled.
   */
  private static final Duration LOCAL_KILL9_LOAD = Duration.ofSeconds(20);

  private final ChaosRunner runner;

  NodeLossScenarios(ChaosRunner runner) {
    this.runner = runner;
  }

  /**
   * SIGKILLs one workflow node of a three-node cluster under load, then starts it again
   * {@link #NODE_DOWN} later. Its recovery counts from the moment the restarted node has started,
   * so it includes the cost of a cold node joining. It also reports the takeover: the same measure
   * from the kill, over the requests sent before the restart (how long the survivors took to carry
   * everything alone). It also checks that every run answered 503 because its node died ends
   * finished (run again elsewhere, or dead-lettered), that the restarted node takes work, and that
   * no node logged a blocked event loop.
   */
  boolean runNodeRestart(String redisUrl) throws Exception {
    try (ClusterUnderTest cluster = new ClusterUnderTest(redisUrl)) {
      HttpTarget gateway = new HttpTarget(runner.loadVertx(), cluster.gatewayPort());
      runner.warmUp(i -> ChaosRunner.submit(gateway, i), Duration.ofSeconds(5), Duration.ofSeconds(60));
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
      boolean passed = runner.runScenario(fault, gateway, cluster.echo.locked(), NODE_RESTART_LOAD, answers -> {
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
            : runner.loadVertx().timer(500, TimeUnit.MILLISECONDS).compose(t -> workflowNodesRunning(gateway, count,
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
    List<String> unfinished = new RunPoller(runner.loadVertx(), gateway).untilSettled(pending, RUNS_SETTLE)
        .entrySet().stream().filter(run -> !run.getValue().settled()).map(Map.Entry::getKey).toList();
    return unfinished.isEmpty() ? List.of()
        : List.of(unfinished.size() + " of " + pending.size() + " runs of a dead node unfinished: " + unfinished);
  }

  /**
   * SIGKILLs the one node of the embedded default (local backend, {@link LocalNodeUnderTest}; no
   * Redis) under async submits and starts it again {@link #LOCAL_RESTART_PAUSE} later on the same
   * journals and port; then every run it had answered 202 for must end
   * ({@link AcceptedRunsVerdict}), and each dead-lettered one have its DLQ entry.
   */
  boolean runLocalKill9() throws Exception {
    try (LocalNodeUnderTest node = new LocalNodeUnderTest()) {
      HttpTarget gateway = new HttpTarget(runner.loadVertx(), node.gatewayPort());
      runner.warmUp(i -> ChaosRunner.submitAsync(gateway, i), Duration.ofSeconds(3), Duration.ofSeconds(30));
      long[] restartNanos = new long[1];
      Fault fault = new Fault(LOCAL_KILL9, node::kill, LOCAL_RESTART_PAUSE, () -> {
        restartNanos[0] = System.nanoTime();
        node.restart();
      });
      Driven driven = runner.drive(fault, node.echo.locked(), LOCAL_KILL9_LOAD,
          i -> ChaosRunner.submitAsync(gateway, i));
      Map<String, RunPoller.Check> runs = new RunPoller(runner.loadVertx(), gateway)
          .untilSettled(AcceptedRunsVerdict.acceptedRunIds(driven.answers()), RUNS_SETTLE);
      AcceptedRunsVerdict verdict = AcceptedRunsVerdict.judge(driven.answers(), driven.injectedNanos(), restartNanos[0],
          driven.healedNanos(), runs,
          dlqId -> Await.result(ChaosRunner.exists(gateway, "/v1/dlq/" + dlqId).otherwise(false)));
      reportLocalKill9(driven, verdict, restartNanos[0], node);
      List<String> problems = new ArrayList<>();
      if (driven.unanswered() > 0) {
        problems.add(driven.unanswered() + " submits without an answer within the drain deadline");
      }
      problems.addAll(ChaosRunner.staleTokens(driven));
      node.blockedThreadWarnings().forEach(line -> problems.add("blocked event loop: " + line));
      boolean passed = verdict.passed() && driven.overlaps() == 0 && problems.isEmpty();
      runner.addRow(LOCAL_KILL9, driven.result().requests(), verdict.statuses(), "–", verdict.deadLetteredFound(),
          verdict.statuses().getOrDefault(503, 0), "–", verdict.lostCount(), driven.overlaps(),
          ChaosRunner.millisOrNever(verdict.recoveryMillis()), passed ? "PASS"
              : "FAIL lost " + verdict.lost() + ", unexpected " + verdict.unexpected() + " " + problems);
      Await.result(gateway.close());
      return passed;
    }
  }

  private static void reportLocalKill9(Driven driven, AcceptedRunsVerdict verdict, long restartNanos,
      LocalNodeUnderTest node) {
    System.out.println(LOCAL_KILL9 + ": " + verdict.accepted() + " submits answered 202, " + verdict.refusedWhileDown()
        + " refused while the node was down; it had started again " + (driven.healedNanos() - restartNanos) / 1_000_000
        + " ms after the restart command, and answered every submit 202 from "
        + ChaosRunner.millisOrNever(verdict.recoveryMillis()) + " ms");
    System.out.println(LOCAL_KILL9 + ": runs answered 202 before the kill ended " + verdict.outcomesBeforeKill()
        + ", after it " + verdict.outcomesAfterKill() + "; of the unfinished runs in its journal the restarted node"
        + " started " + node.journalRecoveries(LocalNodeUnderTest.STARTED_AGAIN) + " again (still queued) and"
        + " dead-lettered " + node.journalRecoveries(LocalNodeUnderTest.DEAD_LETTERED) + " (a step begun)");
  }
}
