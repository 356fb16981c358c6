package dev.wfgateway.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.wfgateway.common.ClusterMembership;
import dev.wfgateway.common.NodeStatus;
import dev.wfgateway.testkit.Await;
import dev.wfgateway.testkit.RedisFixture;
import dev.wfgateway.testkit.TestVertx;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What a node knows of its cluster without Vert.x's internals: its id and the live members, from
 * the cluster manager it was built with, on a real Hazelcast cluster on loopback.
 */
@ExtendWith(VertxExtension.class)
class ClusterMembershipTest {
  private static final Duration JOIN = Duration.ofSeconds(60);
  private final String clusterName = "membership-" + UUID.randomUUID();
  private final List<Vertx> nodes = new CopyOnWriteArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (Vertx vertx : nodes) {
      TestVertx.close(vertx);
    }
  }

  @Test
  void aStandaloneNodeIsTheOnlyMember(VertxTestContext test) {
    Vertx vertx = TestVertx.create();
    nodes.add(vertx);
    test.verify(() -> {
      assertThat(NodeStatus.nodeId(vertx)).isEqualTo(NodeStatus.STANDALONE_NODE_ID);
      assertThat(ClusterMembership.of(vertx).members()).containsExactly(NodeStatus.STANDALONE_NODE_ID);
    });
    test.completeNow();
  }

  /** Joins on the test thread: building a clustered node is work for no event loop. */
  @Test
  void aClusteredNodeKnowsItsIdAndSeesTheMembersJoin(VertxTestContext test) throws IOException {
    int port = RedisFixture.freePort();
    HazelcastClusterManager firstManager = clusterManager(port, port);
    Vertx first = Await.result(ClusterMembership.buildClustered(Vertx.builder().with(TestVertx.options()),
        firstManager), JOIN);
    nodes.add(first);
    int bound = firstManager.getHazelcastInstance().getCluster().getLocalMember().getAddress().getPort();
    HazelcastClusterManager secondManager = clusterManager(0, bound);
    Vertx withoutMembership = Await.result(Vertx.builder().with(TestVertx.options())
        .withClusterManager(secondManager).buildClustered(), JOIN);
    nodes.add(withoutMembership);

    ClusterMembership membership = ClusterMembership.of(first);
    Await.until("the first node sees the second", JOIN, () -> membership.members().size() == 2);
    test.verify(() -> {
      assertThat(membership.nodeId()).isEqualTo(firstManager.getNodeId()).isEqualTo(NodeStatus.nodeId(first));
      assertThat(membership.members()).containsExactlyInAnyOrder(firstManager.getNodeId(), secondManager.getNodeId());
      assertThatThrownBy(() -> NodeStatus.nodeId(withoutMembership)).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("ClusterMembership.buildClustered");
    });
    test.completeNow();
  }

  private HazelcastClusterManager clusterManager(int clusterPort, int memberPort) throws IOException {
    return ClusterSetup.clusterManager(Map.of("CLUSTER_NAME", clusterName, "CLUSTER_PORT", String.valueOf(clusterPort),
        "CLUSTER_MEMBERS", "127.0.0.1:" + memberPort));
  }
}
