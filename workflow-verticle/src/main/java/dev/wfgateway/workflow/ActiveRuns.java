package dev.wfgateway.workflow;

import dev.wfgateway.common.messages.SubmitRunRequest;
import io.vertx.core.Future;

/**
 * Which node owns each run that has not ended, so that the survivors can take over the runs of a
 * node that dies. Whether such a run is started again or dead-lettered is read from its run
 * record, not from here (see {@link RunTakeover#adoptOrphan}).
 */
interface ActiveRuns {
  /** Takes over a run whose node left the cluster. */
  interface Adopter {
    void adopt(SubmitRunRequest request, String runId, String traceparent, String deadNode);
  }

  Future<Void> admitted(RunContext context, String runId);

  /** A run restarted here after its node left the cluster: recorded with the node it came from. */
  default Future<Void> adopted(RunContext context, String runId, String fromNode) {
    return admitted(context, runId);
  }

  void ended(String runId);

  /** Hands every run whose node is no longer a member to {@code adopter}; each to one survivor only. */
  default Future<Void> reap(Adopter adopter) {
    return Future.succeededFuture();
  }

  /** A standalone node has nobody to hand its runs to: nothing to record. */
  ActiveRuns NONE = new ActiveRuns() {
    @Override
    public Future<Void> admitted(RunContext context, String runId) {
      return Future.succeededFuture();
    }

    @Override
    public void ended(String runId) {
    }
  };
}
