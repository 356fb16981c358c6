package dev.wfgateway.bench;

import dev.wfgateway.bench.ChaosRunner.Fault;
import dev.wfgateway.testkit.Await;
import dev.wfgateway.testkit.RedisCluster;
import dev.wfgateway.testkit.RedisFixture;
import dev.wfgateway.testkit.RedisSentinels;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Chaos under load, on the Redis backend: each scenario drives the {@code chaos} workflow open-loop,
 * injects a fault {@link ChaosRunner#FAULT_AT} into the run, heals it {@link ChaosRunner#FAULT_FOR}
 * later, and then checks: no request lost (every answer is a success, a clear 503, a 502/504 whose
 * DLQ entry exists, or a run recorded as failed with its error), no two runs of one lock key inside
 * the step at once, and recovery: every request sent after the recovery point succeeded
 * ({@link ChaosRunner}).
 *
 * <p>The in-process scenarios run on one in-process node, on a single Redis or on a production
 * topology (a real Redis Cluster, real sentinels). The scenarios in which a platform node dies run
 * on node JVMs of their own ({@link NodeLossScenarios}).
 */
final class ChaosSuite {
  static final List<String> IN_PROCESS = List.of("downstream-500", "downstream-hang", "dlq-redeploy", "redis-flushall",
      "redis-restart");
  /** Production Redis topologies: one in-process node on a real Redis Cluster or behind real sentinels. */
  static final List<String> TOPOLOGY = List.of("redis-cluster-replica-kill", "redis-cluster-master-kill",
      "redis-cluster-master-pause", "redis-sentinel-failover");
  /** Long enough for the cluster (node timeout 2 s) or the sentinels to fail over inside the fault. */
  static final Duration FAILOVER_FOR = Duration.ofSeconds(8);

  private final Vertx loadVertx;
  private final Duration duration;
  private final List<String> only;
  private final ChaosRunner runner;
  private final NodeLossScenarios nodeLoss;

  ChaosSuite(Vertx loadVertx, Duration duration, List<String> only) {
    this.loadVertx = loadVertx;
    this.duration = duration;
    this.only = only;
    this.runner = new ChaosRunner(loadVertx);
    this.nodeLoss = new NodeLossScenarios(runner);
  }

  private boolean selected(String scenario) {
    return only.isEmpty() || only.contains(scenario);
  }

  int run() throws Exception {
    int failures = 0;
    try (RedisFixture redis = RedisFixture.start()) {
      failures += runInProcess(redis);
      failures += runTopologies();
      if (selected(NodeLossScenarios.NODE_RESTART)) {
        failures += nodeLoss.runNodeRestart(redis.url()) ? 0 : 1;
      }
    }
    if (selected(NodeLossScenarios.LOCAL_KILL9)) {
      failures += nodeLoss.runLocalKill9() ? 0 : 1;
    }
    System.out.println();
    System.out.println(runner.table());
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
      runner.warmUp(i -> ChaosRunner.submit(gateway, i), Duration.ofSeconds(3), Duration.ofSeconds(30));
      for (Fault fault : faults.stream().filter(f -> selected(f.name())).toList()) {
        failures += runner.runScenario(fault, gateway, node.echo.locked(), duration, answers -> List.of()) ? 0 : 1;
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
      runner.warmUp(i -> ChaosRunner.submit(gateway, i), Duration.ofSeconds(3), Duration.ofSeconds(30));
      boolean passed = runner.runScenario(fault, gateway, node.echo.locked(), duration.plus(FAILOVER_FOR), answers -> {
        System.out.println(fault.name() + ": every request succeeded again from "
            + ChaosVerdict.recoveryMillis(answers, injectedAt[0]) + " ms after the fault");
        return List.of();
      });
      Await.result(gateway.close());
      return passed;
    }
  }
}
