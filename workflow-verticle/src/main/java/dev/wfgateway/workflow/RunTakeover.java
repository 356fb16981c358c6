package dev.wfgateway.workflow;

import dev.wfgateway.common.ProblemException;
import dev.wfgateway.common.ProblemType;
import dev.wfgateway.common.messages.FailureInfo;
import dev.wfgateway.common.messages.RunRecord;
import dev.wfgateway.common.messages.RunStatus;
import dev.wfgateway.common.messages.SubmitRunRequest;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.logging.Logger;

/**
 * Takes over the runs this process did not admit: those of a node that left the cluster (found by
 * the reaper of the active-run registry) and those this node's previous process left unfinished in
 * its run journal. Each is handled as its run record says ({@link OrphanAction}): admitted again
 * through the {@link WorkflowEngine} under its own id, dead-lettered, or left alone.
 */
final class RunTakeover {
  private static final Logger LOG = Logger.getLogger(RunTakeover.class.getName());
  /** How long a run taken over waits for a bulkhead slot before it asks again. */
  private static final long RESTART_RETRY_MILLIS = 200;
  /** The node a run recovered from the journal came from, as the active-run registry records it. */
  private static final String PREVIOUS_PROCESS = "previous-process";

  private final WorkflowEngine engine;
  private final RunStore store;
  private final RunExecutor executor;
  private final Timers timers;
  private final Clock clock;
  private final Duration retention;

  RunTakeover(WorkflowEngine engine, RunStore store, RunExecutor executor, Timers timers, Clock clock,
      Duration retention) {
    this.engine = engine;
    this.store = store;
    this.executor = executor;
    this.timers = timers;
    this.clock = clock;
    this.retention = retention;
  }

  /** Takes over a run whose node left the cluster, as its run record says ({@link OrphanAction}). */
  void adoptOrphan(SubmitRunRequest request, String runId, String traceparent, String deadNode) {
    store.find(request.tenant(), runId).onComplete(found -> {
      RunRecord record = found.succeeded() ? found.result() : null;
      RunContext context = engine.contextOf(request, traceparent, record == null ? null : record.definitionVersion());
      if (context != null) {
        takeOver(context, runId, found.succeeded(), record, deadNode, "node " + deadNode + " left the cluster",
            "adopting run " + runId + " of departed node " + deadNode);
      }
    });
  }

  /**
   * Takes over the runs that this node's run journal held unfinished when its previous process
   * stopped, as their records say ({@link OrphanAction}): the local backend after a crash.
   */
  void recover(List<JournaledRun> runs) {
    for (JournaledRun run : runs) {
      RunRecord record = run.run();
      RunContext context = engine.contextOf(run.restartRequest(), null, record.definitionVersion());
      if (context == null) {
        LOG.warning(() -> "run " + record.runId() + " from the run journal: workflow " + record.workflow()
            + " is no longer configured for tenant " + record.tenant() + "; recorded as failed");
        store.save(record.ended(RunStatus.FAILED, new FailureInfo("not_configured", "the workflow is no longer "
            + "configured for this tenant; the run was not taken over after the node stopped", null), null,
            clock.instant().toString()), retention);
        continue;
      }
      takeOver(context, record.runId(), true, record, PREVIOUS_PROCESS, "this node stopped",
          "recovering run " + record.runId() + " from the run journal");
    }
  }

  /**
   * @param record the run's record, or null when the store has none
   * @param fromNode the node it came from; {@code loss} says in words how it was lost
   */
  private void takeOver(RunContext context, String runId, boolean readable, RunRecord record, String fromNode,
      String loss, String logPrefix) {
    SubmitRunRequest request = context.request();
    OrphanAction action = OrphanAction.of(readable, record == null ? null : record.status());
    LOG.info(() -> logPrefix + ": " + action.description);
    RunRecord orphan = record != null ? record
        : RunRecord.queued(runId, request.tenant(), request.workflow(),
            context.definition().version(), request.input(), clock.instant().toString());
    switch (action) {
      case RESTART -> restart(context, runId, fromNode, record != null).onFailure(e -> {
        if (!ProblemException.is(e, ProblemType.RUN_ID_TAKEN)) {
          executor.reject(context, orphan, "could not be restarted: " + e.getMessage());
        } // else a resent submit started it first, on another node
      });
      case DEAD_LETTER -> executor.abandon(context, orphan, loss);
      case LEAVE -> {
      }
    }
  }

  /**
   * Admits a run taken over, as a client retrying a 429 would: while its tenant's bulkhead is full
   * it waits and asks again, so a node taking over many runs at once loses none to its own bulkhead.
   */
  private Future<Admission> restart(RunContext context, String runId, String fromNode, boolean overwrite) {
    return engine.admit(context, runId, fromNode, overwrite).recover(e -> ProblemException.is(e,
        ProblemType.BULKHEAD_FULL) && !engine.draining()
        ? timers.delay(RESTART_RETRY_MILLIS).compose(v -> restart(context, runId, fromNode, overwrite))
        : Future.failedFuture(e));
  }
}
