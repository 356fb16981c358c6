package dev.wfgateway.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wfgateway.launcher.TopologyNode.Answer;
import dev.wfgateway.testkit.Await;
import dev.wfgateway.testkit.RedisCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The platform on a real Redis Cluster (3 masters, 3 replicas on loopback): a burst, the loss of a
 * replica, the loss of the master of the tenant's slot, and a master that hangs. Each test starts
 * its own cluster, since each breaks it.
 */
class RedisClusterTopologyTest {
  private static final Duration NODE_TIMEOUT = Duration.ofSeconds(2);
  private static final String TENANT_SLOT = "{acme}";

  @TempDir
  Path dir;
  private RedisCluster cluster;
  private TopologyNode node;

  @BeforeEach
  void start() throws Exception {
    cluster = RedisCluster.start(NODE_TIMEOUT);
    String endpoints = cluster.endpoints().stream().map(e -> "\"" + e + "\"").collect(Collectors.joining(", "));
    node = new TopologyNode(dir, "{ type: cluster, endpoints: [" + endpoints + "] }");
  }

  @AfterEach
  void stop() throws Exception {
    if (node != null) {
      node.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  /** Lets the load run for {@code more} (a load phase, not a synchronisation). */
  static void await(TopologyNode.Load load, Duration more) {
    long until = load.elapsedNanos() + more.toNanos();
    Await.until("the load to run for " + more, more.plusSeconds(5), () -> load.elapsedNanos() >= until);
  }

  static List<Answer> failedAfter(List<Answer> answers, long nanos) {
    return failedBetween(answers, nanos, Long.MAX_VALUE);
  }

  static List<Answer> failedBetween(List<Answer> answers, long fromNanos, long toNanos) {
    return answers.stream().filter(a -> a.atNanos() >= fromNanos && a.atNanos() < toNanos && a.status() != 200)
        .toList();
  }

  /** When the last of {@code failed} came, in ms after {@code origin} (negative: before it), for the report. */
  static String since(List<Answer> failed, long origin) {
    return failed.stream().mapToLong(Answer::atNanos).max()
        .stream().mapToObj(last -> TimeUnit.NANOSECONDS.toMillis(last - origin) + " ms").findFirst().orElse("none");
  }

  @Test
  void aBurstOf300ParallelSubmitsThenNormalService() {
    assertThat(node.burst(300)).containsOnly(200);
    assertThat(node.burst(50)).containsOnly(200);
    assertThat(node.burst(300)).containsOnly(200);
    Await.until("ready again", Duration.ofSeconds(10), () -> node.ready() == 200);
  }

  @Test
  void losingAReplicaFailsNoRun() {
    TopologyNode.Load load = node.load(16);
    RedisCluster.Node master = cluster.masterForKey(TENANT_SLOT);
    await(load, Duration.ofSeconds(1));
    cluster.kill(cluster.replicaOf(master));
    await(load, Duration.ofSeconds(4));
    List<Answer> answers = load.stop();

    assertThat(answers).hasSizeGreaterThan(100);
    assertThat(failedAfter(answers, 0)).isEmpty();
  }

  @Test
  void losingTheMasterOfTheTenantsSlotHealsWithinTheNodeTimeoutPlusFiveSeconds() {
    RedisCluster.Node master = cluster.masterForKey(TENANT_SLOT);
    List<String> before = node.acceptedRuns(50);
    // Replication is asynchronous: what the master took in its last milliseconds may die with it.
    // Waiting for the replica first makes "answered before" mean "on both", as it is for all but
    // the newest writes in production.
    assertThat(cluster.command(master, "WAIT", "1", "1000")).isEqualTo(":1");
    TopologyNode.Load load = node.load(16);
    await(load, Duration.ofSeconds(1));
    long killedAt = load.elapsedNanos();
    cluster.kill(master);
    cluster.awaitMasterOfKeyChanged(TENANT_SLOT, master, Duration.ofSeconds(20));
    long healedBy = killedAt + NODE_TIMEOUT.toNanos() + TimeUnit.SECONDS.toNanos(5);
    await(load, Duration.ofNanos(Math.max(0, healedBy - load.elapsedNanos()) + TimeUnit.SECONDS.toNanos(2)));
    List<Answer> answers = load.stop();

    assertThat(failedAfter(answers, healedBy)).as("runs failing past kill + node timeout + 5 s").isEmpty();
    assertThat(answers.stream().filter(a -> a.atNanos() > healedBy && a.status() == 200).count()).isPositive();
    for (String runId : before) {
      assertThat(node.runStatus(runId)).as("run %s answered before the kill", runId).isEqualTo(200);
    }
    Await.until("ready again", Duration.ofSeconds(10), () -> node.ready() == 200);
    System.out.printf("cluster master kill: last failed run %s after the kill; %d failed of %d%n",
        since(failedAfter(answers, 0), killedAt), failedAfter(answers, 0).size(), answers.size());
  }

  @Test
  void aHungMasterIsServedAroundWithinThreeSecondsOfThePromotion() {
    RedisCluster.Node master = cluster.masterForKey(TENANT_SLOT);
    TopologyNode.Load load = node.load(16);
    await(load, Duration.ofSeconds(1));
    long pausedAt = load.elapsedNanos();
    cluster.pause(master);
    cluster.awaitMasterOfKeyChanged(TENANT_SLOT, master, Duration.ofSeconds(20));
    long promotedAt = load.elapsedNanos();
    await(load, Duration.ofSeconds(5));
    cluster.resume(master);
    cluster.awaitReady(Duration.ofSeconds(20));
    long resumedAt = load.elapsedNanos();
    await(load, Duration.ofSeconds(5));
    List<Answer> answers = load.stop();

    long threeSeconds = TimeUnit.SECONDS.toNanos(3);
    assertThat(failedBetween(answers, promotedAt + threeSeconds, resumedAt))
        .as("runs failing from 3 s after the promotion until SIGCONT").isEmpty();
    assertThat(failedAfter(answers, resumedAt + threeSeconds)).as("runs failing 3 s after SIGCONT").isEmpty();
    assertThat(answers.stream().filter(a -> a.atNanos() > resumedAt && a.status() == 200).count()).isPositive();
    Await.until("ready again", Duration.ofSeconds(10), () -> node.ready() == 200);
    System.out.printf("cluster master paused: promoted %d ms after SIGSTOP; last failed run %s after the promotion, "
            + "%s after SIGCONT; %d failed of %d%n", TimeUnit.NANOSECONDS.toMillis(promotedAt - pausedAt),
        since(failedBetween(answers, 0, resumedAt), promotedAt), since(failedAfter(answers, resumedAt), resumedAt),
        failedAfter(answers, 0).size(), answers.size());
  }
}
