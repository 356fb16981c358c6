package dev.wfgateway.common;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.shareddata.Shareable;
import io.vertx.core.spi.cluster.ClusterManager;
import java.util.Set;

/**
 * This node's id and the cluster's live members, as the node's cluster manager knows them. Vert.x's
 * public API does not expose its cluster manager, so whoever builds a clustered Vert.x does it with
 * {@link #buildClustered}, which keeps the manager in a node-local map; a Vert.x without a cluster
 * is the single member {@link NodeStatus#STANDALONE_NODE_ID}.
 */
public final class ClusterMembership implements Shareable {
  private static final String MAP = "platform.cluster";
  private static final String KEY = "membership";
  private static final ClusterMembership STANDALONE = new ClusterMembership(NodeStatus.STANDALONE_NODE_ID, null);

  private final String nodeId;
  private final ClusterManager clusterManager;

  private ClusterMembership(String nodeId, ClusterManager clusterManager) {
    this.nodeId = nodeId;
    this.clusterManager = clusterManager;
  }

  /** Builds a Vert.x that joins the cluster through {@code clusterManager}, its membership recorded. */
  public static Future<Vertx> buildClustered(VertxBuilder builder, ClusterManager clusterManager) {
    return builder.withClusterManager(clusterManager).buildClustered().map(vertx -> {
      vertx.sharedData().getLocalMap(MAP).put(KEY, new ClusterMembership(clusterManager.getNodeId(), clusterManager));
      return vertx;
    });
  }

  /**
   * The membership of {@code vertx}; fails for a clustered Vert.x not built by {@link #buildClustered},
   * whose node id nothing public can tell.
   */
  public static ClusterMembership of(Vertx vertx) {
    if (!vertx.isClustered()) {
      return STANDALONE;
    }
    ClusterMembership membership = vertx.sharedData().<String, ClusterMembership>getLocalMap(MAP).get(KEY);
    if (membership == null) {
      throw new IllegalStateException("a clustered Vert.x must be built with ClusterMembership.buildClustered");
    }
    return membership;
  }

  public String nodeId() {
    return nodeId;
  }

  /** The ids of the live members now, this node's among them. */
  public Set<String> members() {
    return clusterManager == null ? Set.of(nodeId) : Set.copyOf(clusterManager.getNodes());
  }
}
