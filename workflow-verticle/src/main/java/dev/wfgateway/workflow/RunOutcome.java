package dev.wfgateway.workflow;

import dev.wfgateway.common.Problem;
import dev.wfgateway.common.ProblemException;
import dev.wfgateway.common.messages.RunRecord;
import io.vertx.core.Future;

/**
 * How a run ended: its final record, for anything but success the problem a sync caller gets, and
 * whether this node called any of its steps' downstreams (in any attempt): a run that called none
 * cannot have had an effect.
 */
record RunOutcome(RunRecord record, Problem problem, boolean stepCalled) {
  boolean succeeded() {
    return problem == null;
  }

  /** What a sync submit answers: the final record, or the run's problem. */
  Future<RunRecord> answer() {
    return succeeded() ? Future.succeededFuture(record) : Future.failedFuture(new ProblemException(problem));
  }
}
