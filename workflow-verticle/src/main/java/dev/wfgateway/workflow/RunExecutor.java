package dev.wfgateway.workflow;

import dev.wfgateway.common.Addresses;
import dev.wfgateway.common.Durations;
import dev.wfgateway.common.Problem;
import dev.wfgateway.common.ProblemException;
import dev.wfgateway.common.ProblemType;
import dev.wfgateway.common.config.WorkflowDefinition;
import dev.wfgateway.common.messages.DlqEntry;
import dev.wfgateway.common.messages.DlqReason;
import dev.wfgateway.common.messages.FailureInfo;
import dev.wfgateway.common.messages.LockInfo;
import dev.wfgateway.common.messages.RunRecord;
import dev.wfgateway.common.messages.RunStatus;
import dev.wfgateway.common.messages.SubmitRunRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Clock;
import java.util.HashSet;
import java.util.Set;

/**
 * Runs one admitted run to its end: takes its lock, walks its steps ({@link StepWalk}), watches the
 * run timeout and the lock lease, and on a final failure compensates what had succeeded
 * ({@link Compensator}) and hands the run to the DLQ. Every run ends exactly once, with its record
 * saved and published.
 */
final class RunExecutor {
  private final Vertx vertx;
  private final Timers timers;
  private final Clock clock;
  private final RunStore store;
  private final RunLocks locks;
  private final Attempts attempts;
  private final Compensator compensator;
  private final DeadLetterSender deadLetters;
  private final WorkflowMetrics metrics;
  private final Duration retention;
  private final ActiveRuns activeRuns;
  private final Set<Run> inFlight = new HashSet<>();

  RunExecutor(Vertx vertx, Timers timers, Clock clock, RunStore store, RunLocks locks, StepInvoker invoker,
      DeadLetterSender deadLetters, WorkflowMetrics metrics, Duration retention, ActiveRuns activeRuns) {
    this.activeRuns = activeRuns;
    this.vertx = vertx;
    this.timers = timers;
    this.clock = clock;
    this.store = store;
    this.locks = locks;
    this.attempts = new Attempts(invoker, timers);
    this.compensator = new Compensator(attempts);
    this.deadLetters = deadLetters;
    this.metrics = metrics;
    this.retention = retention;
  }

  /** Executes the run; the future always succeeds, with how the run ended. */
  Future<RunOutcome> execute(RunContext context, RunRecord queued) {
    Run run = new Run(context, queued);
    inFlight.add(run);
    run.start();
    return run.outcome.future().onComplete(ar -> inFlight.remove(run));
  }

  /** Dead-letters an admitted run that will never start (its bulkhead slot was withdrawn). */
  Future<RunOutcome> reject(RunContext context, RunRecord queued, String why) {
    return new Run(context, queued).fail(DlqReason.REJECTED, new FailureInfo("shutdown", why, null),
        ProblemType.DEPENDENCY_UNAVAILABLE);
  }

  /**
   * Dead-letters a run whose node was lost after the run had begun its steps; {@code loss} says how
   * ("node … left the cluster", "this node stopped").
   */
  Future<RunOutcome> abandon(RunContext context, RunRecord record, String loss) {
    String step = record.steps().isEmpty() ? null : record.steps().get(record.steps().size() - 1).name();
    // the record shows what had succeeded: steps with compensations are stored as they complete
    return new Run(context, record).fail(DlqReason.STEP_FAILED, new FailureInfo("node_lost",
        loss + " while running this run; it was not started again because a step may already have taken effect",
        step), ProblemType.RUN_FAILED);
  }

  /** Ends every run still in progress (node shutdown): each is dead-lettered, none is dropped. */
  Future<Void> abortAll(String why) {
    return Future.join(Set.copyOf(inFlight).stream()
        .map(run -> run.fail(DlqReason.REJECTED, new FailureInfo("shutdown", why, run.state.currentStep),
            ProblemType.DEPENDENCY_UNAVAILABLE))
        .toList()).mapEmpty();
  }

  int inFlight() {
    return inFlight.size();
  }

  private String now() {
    return clock.instant().toString();
  }

  private final class Run {
    private final RunState state;
    private final Promise<RunOutcome> outcome = Promise.promise();
    private final long startNanos = System.nanoTime();
    private long timeoutTimer = -1;
    private StepWalk walk;
    /** Whether a step call may have acted: answered, failed after being sent, or still out when the run ended. */
    private boolean stepCalled;

    Run(RunContext context, RunRecord queued) {
      this.state = new RunState(context, queued);
    }

    private WorkflowDefinition definition() {
      return state.definition;
    }

    void start() {
      timeoutTimer = timers.schedule(definition().timeout().toMillis(), () -> fail(DlqReason.TIMEOUT,
          new FailureInfo("run_timeout", "the run did not finish within " + Durations.format(definition().timeout()), state.currentStep),
          ProblemType.RUN_TIMEOUT));
      acquireLock()
          .compose(v -> {
            if (state.record.status() == RunStatus.RUNNING) {
              return Future.succeededFuture(); // recorded running when it was admitted
            }
            state.record = state.record.started(now(), 1, state.lease == null ? null
                : new LockInfo(state.context.lockKey(), state.lease.fencingToken()));
            return store.save(state.record, retention);
          })
          .compose(v -> {
            walk = new StepWalk(state, attempts, metrics, store, retention);
            return walk.walk();
          })
          .onSuccess(this::succeed)
          .onFailure(this::failWith);
    }

    private Future<Void> acquireLock() {
      if (state.context.lockKey() == null) {
        return Future.succeededFuture();
      }
      WorkflowDefinition.LockConfig lock = definition().lock();
      RunRecord record = state.record;
      long waitStart = System.nanoTime();
      return locks.acquire(record.tenant(), state.context.lockKey(), record.runId() + ":1", lock.ttl(), lock.maxWait())
          .andThen(ar -> metrics.lockAcquired(record.tenant(), System.nanoTime() - waitStart, ar.succeeded()))
          .compose(held -> {
            if (state.ended) { // the run timed out while waiting: give the lock back at once
              return held.release().compose(v -> Future.failedFuture(new IllegalStateException("ended")));
            }
            state.lease = held;
            return Future.succeededFuture();
          });
    }

    private void succeed(JsonObject result) {
      if (state.ended) {
        return;
      }
      state.ended = true;
      stepCalled = state.calls.mayHaveActed();
      end(state.record.succeeded(result, now()), null);
    }

    private void failWith(Throwable failure) {
      if (state.ended) {
        return;
      }
      if (failure instanceof ProblemException pe) { // refused before any step: lock contention, lock store down
        if (state.context.request().async()) {
          fail(DlqReason.REJECTED, new FailureInfo(pe.problem().type().name().toLowerCase(java.util.Locale.ROOT),
              pe.problem().detail(), null), pe.problem().type());
        } else {
          state.ended = true;
          end(state.record.ended(RunStatus.FAILED, new FailureInfo("rejected", pe.problem().detail(), null), null,
              now()), pe.problem());
        }
        return;
      }
      StepFailure sf = failure instanceof StepFailure s ? s : StepFailure.retryable("internal", "unexpected failure");
      fail(sf.reason(), new FailureInfo(sf.type(), sf.getMessage(), state.currentStep), ProblemType.RUN_FAILED);
    }

    /**
     * Compensates what had succeeded, then dead-letters the run; if even the DLQ cannot take it,
     * the run ends {@code failed} and says so.
     */
    Future<RunOutcome> fail(DlqReason reason, FailureInfo failure, ProblemType problemType) {
      if (state.ended) {
        return outcome.future();
      }
      if (walk != null) {
        walk.interrupt(failure.message());
      }
      state.ended = true;
      stepCalled = state.calls.mayHaveActed();
      timers.cancel(timeoutTimer);
      String at = now();
      compensator.compensate(state, failure).onComplete(compensated -> {
        state.record = state.record.withCompensations(compensated.result());
        deadLetter(reason, failure, problemType, at);
      });
      return outcome.future();
    }

    private void deadLetter(DlqReason reason, FailureInfo failure, ProblemType problemType, String at) {
      RunRecord record = state.record;
      SubmitRunRequest request = state.context.request();
      DlqEntry entry = new DlqEntry(null, record.tenant(), record.workflow(), record.runId(), record.input(), reason,
          failure, record.compensations(), Math.max(1, state.stepAttempts), at, at, request.source(),
          request.requestId(), request.redriveCount());
      deadLetters.send(entry).onComplete(ar -> {
        if (ar.succeeded()) {
          end(record.ended(RunStatus.DEAD_LETTERED, failure, ar.result(), at),
              problemType.problem(failure.message()).with("runId", record.runId()).with("dlqId", ar.result()));
        } else {
          RunRecord failed = record.ended(RunStatus.FAILED, failure, null, at);
          end(failed, problemType
              .problem(failure.message() + " (the DLQ is unavailable: the run is handed to it once it is back; "
                  + "its record will then show the dlqId)")
              .with("runId", record.runId()));
          deadLetters.later(entry, dlqId -> {
            RunRecord deadLettered = failed.ended(RunStatus.DEAD_LETTERED, failure, dlqId, at);
            store.save(deadLettered, retention)
                .onSuccess(v -> vertx.eventBus().publish(Addresses.EVENTS_RUN, deadLettered.toJson()));
          });
        }
      });
    }

    private void end(RunRecord finalRecord, Problem problem) {
      timers.cancel(timeoutTimer);
      state.record = finalRecord;
      metrics.runEnded(finalRecord.tenant(), definition().name(), finalRecord.status(), System.nanoTime() - startNanos);
      Future<Void> released = state.lease == null ? Future.succeededFuture() : state.lease.release();
      released.eventually(() -> store.save(finalRecord, retention))
          .onComplete(ar -> {
            activeRuns.ended(finalRecord.runId()); // only once the final record is stored
            vertx.eventBus().publish(Addresses.EVENTS_RUN, finalRecord.toJson());
            outcome.complete(new RunOutcome(finalRecord, problem, stepCalled));
          });
    }
  }
}
