package dev.wfgateway.gateway;

import dev.wfgateway.common.NodeStatus;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Follows the sync runs this gateway is waiting for, so that a client whose run was on a node that
 * died hears so within seconds instead of at its timeout. A run still waited for after
 * {@link #LEARN_AFTER_NANOS} has its owner looked up once in the active-run registry; from then on,
 * the owner leaving the cluster (or the run found adopted by another node) fires the run's callback. Only clustered gateways follow anything.
 */
final class InFlightRuns {
  static final long CHECK_INTERVAL_MILLIS = 1_000;
  private static final long LEARN_AFTER_NANOS = 500_000_000L;

  private final Vertx vertx;
  private final Map<String, Followed> followed = new HashMap<>();
  private long timer = -1;

  private static final class Followed {
    final Runnable onOwnerLost;
    final long since = System.nanoTime();
    String owner;
    boolean lookingUp;

    Followed(Runnable onOwnerLost) {
      this.onOwnerLost = onOwnerLost;
    }
  }

  InFlightRuns(Vertx vertx) {
    this.vertx = vertx;
  }

  boolean enabled() {
    return ((VertxInternal) vertx).clusterManager() != null;
  }

  void start() {
    if (enabled()) {
      timer = vertx.setPeriodic(CHECK_INTERVAL_MILLIS, id -> check());
    }
  }

  void stop() {
    vertx.cancelTimer(timer);
  }

  void follow(String runId, Runnable onOwnerLost) {
    if (enabled()) {
      followed.put(runId, new Followed(onOwnerLost));
    }
  }

  void forget(String runId) {
    followed.remove(runId);
  }

  private void check() {
    if (followed.isEmpty()) {
      return;
    }
    Set<String> members = Set.copyOf(((VertxInternal) vertx).clusterManager().getNodes());
    long now = System.nanoTime();
    Map<String, Followed> snapshot = Map.copyOf(followed);
    snapshot.forEach((runId, run) -> {
      if (run.owner != null) {
        if (!members.contains(run.owner)) {
          lost(runId, run);
        }
      } else if (!run.lookingUp && now - run.since >= LEARN_AFTER_NANOS) {
        run.lookingUp = true;
        vertx.sharedData().<String, String>getAsyncMap(NodeStatus.ACTIVE_RUNS).compose(m -> m.get(runId))
            .onComplete(ar -> {
              run.lookingUp = false;
              if (ar.succeeded() && ar.result() != null) {
                JsonObject entry = new JsonObject(ar.result());
                run.owner = entry.getString("node");
                // adopted: the node this gateway's request went to is gone, and with it the reply
                if (entry.containsKey("adoptedFrom") || !members.contains(run.owner)) {
                  lost(runId, run);
                }
              }
            });
      }
    });
  }

  private void lost(String runId, Followed run) {
    if (followed.remove(runId) != null) {
      run.onOwnerLost.run();
    }
  }
}
