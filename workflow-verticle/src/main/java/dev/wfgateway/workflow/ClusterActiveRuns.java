package dev.wfgateway.workflow;

import dev.wfgateway.common.ClusterMembership;
import dev.wfgateway.common.NodeStatus;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.AsyncMap;
import java.util.Set;
import java.util.logging.Logger;

/**
 * Active runs in a cluster-wide map (runId → owner node and the submit request), and the reaper
 * that hands the runs of nodes that left the cluster to an {@link Adopter}. Exactly one survivor
 * adopts each orphan: the one whose {@code remove} returns the entry. Nothing here is written while
 * a run executes: while the cluster migrates partitions after a member left, map writes stall for
 * up to a second, which a run's own timeout cannot afford.
 */
final class ClusterActiveRuns implements ActiveRuns {
  private static final long OPERATION_TIMEOUT_MILLIS = 2_000;
  private static final java.time.Duration LINGER = java.time.Duration.ofMinutes(1);
  private static final Logger LOG = Logger.getLogger(ClusterActiveRuns.class.getName());

  private final Vertx vertx;
  private final String nodeId;
  private final Future<AsyncMap<String, String>> map;
  /** The entry this node wrote for each of its runs, so that it removes its own entries only. */
  private final java.util.Map<String, String> mine = new java.util.HashMap<>();
  private final OrphanScan scan = new OrphanScan();

  ClusterActiveRuns(Vertx vertx) {
    this.vertx = vertx;
    this.nodeId = NodeStatus.nodeId(vertx);
    this.map = vertx.sharedData().getAsyncMap(NodeStatus.ACTIVE_RUNS);
  }

  @Override
  public Future<Void> register(RunContext context, String runId, String adoptedFrom) {
    // Outlives the run by a margin, so an entry whose run could not even be recorded does not linger.
    long ttl = context.definition().timeout().plus(LINGER).toMillis()
        + (context.definition().lock() == null ? 0 : context.definition().lock().maxWait().toMillis());
    String encoded = new ActiveRunEntry(nodeId, context.request(), context.traceparent(), adoptedFrom).encode();
    mine.put(runId, encoded);
    return bounded(map.compose(m -> m.put(runId, encoded, ttl)), "register", runId);
  }

  /**
   * The registry is best effort: while the cluster migrates partitions after a member left, a map
   * operation can stall; a run never waits on it for long (it keeps its lock and its timeout).
   */
  private static Future<Void> bounded(Future<Void> operation, String what, String runId) {
    return operation.timeout(OPERATION_TIMEOUT_MILLIS, java.util.concurrent.TimeUnit.MILLISECONDS)
        .recover(e -> {
          LOG.warning("active-run registry: could not " + what + " run " + runId + ": " + e.getMessage());
          return Future.succeededFuture();
        });
  }

  @Override
  public void ended(String runId) {
    String own = mine.remove(runId);
    if (own == null) {
      return;
    }
    // Only if it is still this node's entry: another node may have taken the run over meanwhile.
    map.compose(m -> m.removeIfPresent(runId, own))
        .onFailure(e -> LOG.warning("could not clear active run " + runId + ": " + e.getMessage()));
  }

  /** The ids of the cluster's members now. */
  static Set<String> members(Vertx vertx) {
    return ClusterMembership.of(vertx).members();
  }

  /** Adopts every run whose owner is no longer a member of the cluster, when {@link OrphanScan} says so. */
  @Override
  public Future<Void> reap(Adopter adopter) {
    Set<String> members = members(vertx);
    if (!scan.due(members)) {
      return Future.succeededFuture();
    }
    return map.compose(m -> m.entries().compose(entries -> Future.join(entries.entrySet().stream()
        .filter(e -> !members.contains(ActiveRunEntry.decode(e.getValue()).node()))
        .map(e -> m.remove(e.getKey()).onSuccess(won -> {
          if (won == null) {
            return; // another survivor took it
          }
          ActiveRunEntry entry = ActiveRunEntry.decode(won);
          adopter.adopt(entry.request(), e.getKey(), entry.traceparent(), entry.node());
        }))
        .toList()))).mapEmpty();
  }
}
