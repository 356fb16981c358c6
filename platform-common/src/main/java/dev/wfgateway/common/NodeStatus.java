package dev.wfgateway.common;

/**
 * Node-local status the verticles publish for the gateway's readiness check, in the local shared
 * map {@link #MAP}: no event-bus round trip, and only this node's view.
 */
public final class NodeStatus {
  public static final String MAP = "platform.status";
  /** {@code "redis"} or {@code "local"}: which rate-limit backend is in force. */
  public static final String RATELIMIT_MODE = "ratelimit.mode";
  /** {@code true} while the DLQ can durably store entries (Redis, or the journal/spool). */
  public static final String DLQ_WRITABLE = "dlq.writable";

  /** Cluster-wide async map: node id → its latest {@code NodeReport}, expiring unless refreshed. */
  public static final String DIRECTORY = "platform.nodes";

  /**
   * Cluster-wide async map (clustered nodes only): runId → JSON whose {@code node} field is the
   * node running it, until its final record is stored.
   */
  public static final String ACTIVE_RUNS = "platform.runs.active";

  /** The node id of a node that runs without a cluster. */
  public static final String STANDALONE_NODE_ID = "standalone";

  /** This node's id: the cluster manager's, or {@link #STANDALONE_NODE_ID}; see {@link ClusterMembership}. */
  public static String nodeId(io.vertx.core.Vertx vertx) {
    return ClusterMembership.of(vertx).nodeId();
  }

  private NodeStatus() {
  }
}
