package dev.wfgateway.workflow;

import dev.wfgateway.common.messages.RunRecord;
import dev.wfgateway.common.messages.SubmitRunRequest;
import io.vertx.core.Future;
import java.time.Duration;

/** Where run records live for their retention; keyed by tenant so no tenant can reach another's runs. */
interface RunStore {
  Future<Void> save(RunRecord run, Duration retention);

  /**
   * Stores a new run's first record only if none exists: a late write of a call that timed out can
   * then never overwrite what was written after it (see {@code WorkflowEngine#admit}). {@code request}
   * is what admitted the run, kept by a store that starts runs again after a crash.
   */
  Future<Void> create(RunRecord run, SubmitRunRequest request, Duration retention);

  static dev.wfgateway.common.ProblemException taken(RunRecord run) {
    return new dev.wfgateway.common.ProblemException(dev.wfgateway.common.ProblemType.RUN_ID_TAKEN
        .problem("A run with id " + run.runId() + " already exists"));
  }

  /** The run, or null when the tenant has no run with that id. */
  Future<RunRecord> find(String tenant, String runId);

  /** Succeeds when the part of the store that holds {@code tenant}'s runs answers ({@link RunStoreHealth}). */
  default Future<Void> probe(String tenant) {
    return Future.succeededFuture();
  }
}
