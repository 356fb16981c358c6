package dev.wfgateway.workflow;

import dev.wfgateway.common.messages.RunRecord;
import io.vertx.core.Future;

/**
 * A run admitted: its first record is stored ({@code recorded}: queued, or running for a sync run
 * that started at once), and {@code outcome} completes when the run has ended.
 */
record Admission(RunRecord recorded, Future<RunOutcome> outcome) {
}
