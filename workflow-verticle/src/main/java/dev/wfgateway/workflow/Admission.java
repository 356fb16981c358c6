package dev.wfgateway.workflow;

import dev.wfgateway.common.messages.RunRecord;
import io.vertx.core.Future;

/** A run admitted: its queued record is stored, and {@code outcome} completes when the run has ended. */
record Admission(RunRecord queued, Future<RunOutcome> outcome) {
}
