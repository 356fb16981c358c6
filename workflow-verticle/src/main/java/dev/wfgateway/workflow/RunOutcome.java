package dev.wfgateway.workflow;

import dev.wfgateway.common.Problem;
import dev.wfgateway.common.messages.RunRecord;

/** How a run ended: its final record, and for anything but success the problem a sync caller gets. */
record RunOutcome(RunRecord record, Problem problem) {
  boolean succeeded() {
    return problem == null;
  }
}
