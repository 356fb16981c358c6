package dev.wfgateway.workflow;

import io.vertx.core.Future;

/**
 * Which node owns each run that has not ended, so that the survivors can take over the runs of a
 * node that dies. A run is safe to start again elsewhere until {@link #stepsBegun} was recorded.
 */
interface ActiveRuns {
  Future<Void> admitted(RunContext context, String runId);

  /** A run restarted here after its node left the cluster: recorded with the node it came from. */
  default Future<Void> adopted(RunContext context, String runId, String fromNode) {
    return admitted(context, runId);
  }

  /** Recorded before the first call to a step; from then on the run is never started again. */
  Future<Void> stepsBegun(String runId);

  void ended(String runId);

  /** A standalone node has nobody to hand its runs to: nothing to record. */
  ActiveRuns NONE = new ActiveRuns() {
    @Override
    public Future<Void> admitted(RunContext context, String runId) {
      return Future.succeededFuture();
    }

    @Override
    public Future<Void> stepsBegun(String runId) {
      return Future.succeededFuture();
    }

    @Override
    public void ended(String runId) {
    }
  };
}
