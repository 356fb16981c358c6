package dev.wfgateway.launcher;

import static dev.wfgateway.launcher.RedisClusterTopologyTest.await;
import static dev.wfgateway.launcher.RedisClusterTopologyTest.failedAfter;
import static dev.wfgateway.launcher.RedisClusterTopologyTest.since;
import static org.assertj.core.api.Assertions.assertThat;

import dev.wfgateway.launcher.TopologyNode.Answer;
import dev.wfgateway.testkit.Await;
import dev.wfgateway.testkit.RedisCommands;
import dev.wfgateway.testkit.RedisSentinels;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The platform behind three real sentinels that monitor the master as {@code prod}: it follows a failover. */
class RedisSentinelTopologyTest {
  /** From the failover's end until runs succeed again: the client asks the sentinels anew. */
  private static final Duration FOLLOWS_WITHIN = Duration.ofSeconds(5);
  @RegisterExtension
  static final RedisSentinels sentinels = RedisSentinels.perClass("prod");
  @TempDir
  Path dir;

  @Test
  void runsOnTheMasterNamedProdAndFollowItsFailover() throws Exception {
    String endpoints = sentinels.endpoints().stream().map(e -> "\"" + e + "\"").collect(Collectors.joining(", "));
    try (TopologyNode node = new TopologyNode(dir, "{ type: sentinel, masterName: prod, endpoints: [" + endpoints + "] }")) {
      List<String> before = node.acceptedRuns(50);
      assertThat(RedisCommands.send(sentinels.masterPort(), "WAIT", "1", "1000")).isEqualTo(":1");
      TopologyNode.Load load = node.load(8);
      await(load, Duration.ofSeconds(1));
      long killedAt = load.elapsedNanos();
      sentinels.killMaster();
      sentinels.awaitFailover(Duration.ofSeconds(30));
      long failedOverAt = load.elapsedNanos();
      await(load, FOLLOWS_WITHIN.plusSeconds(2));
      List<Answer> answers = load.stop();

      assertThat(failedAfter(answers, failedOverAt + FOLLOWS_WITHIN.toNanos())).as("runs failing after the failover")
          .isEmpty();
      for (String runId : before) {
        assertThat(node.runStatus(runId)).as("run %s answered before the failover", runId).isEqualTo(200);
      }
      Await.until("ready again", Duration.ofSeconds(10), () -> node.ready() == 200);
      System.out.printf("sentinel failover: done %d ms after the kill; last failed run %s after the kill; %d failed of %d%n",
          TimeUnit.NANOSECONDS.toMillis(failedOverAt - killedAt), since(failedAfter(answers, 0), killedAt),
          failedAfter(answers, 0).size(), answers.size());
    }
  }
}
