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

  /**
   * Records that this node owns the run; {@code adoptedFrom}: the node it was taken over from, or
   * null for a run admitted here.
   */
  Future<Void> register(RunContext context, String runId, String adoptedFrom);

  void ended(String runId);

  /** Hands every run whose node is no longer a member to {@code adopter}; each to one survivor only. */
  default Future<Void> reap(Adopter adopter) {
    return Future.succeededFuture();
  }

  /** A standalone node has nobody to hand its runs to: nothing to record. */
  ActiveRuns NONE = new ActiveRuns() {
    @Override
    public Future<Void> register(RunContext context, String runId, String adoptedFrom) {
      return Future.succeededFuture();
    }

    @Override
    public void ended(String runId) {
    }
  };
}
