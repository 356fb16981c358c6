package dev.wfgateway.workflow;

import dev.wfgateway.common.Addresses;
import dev.wfgateway.common.Headers;
import dev.wfgateway.common.Problem;
import dev.wfgateway.common.ProblemException;
import dev.wfgateway.common.ProblemType;
import dev.wfgateway.common.config.StepDefinition;
import dev.wfgateway.common.config.WorkflowDefinition;
import dev.wfgateway.common.messages.DlqEntry;
import dev.wfgateway.common.messages.DlqReason;
import dev.wfgateway.common.messages.FailureInfo;
import dev.wfgateway.common.messages.LockInfo;
import dev.wfgateway.common.messages.RunRecord;
import dev.wfgateway.common.messages.RunStatus;
import dev.wfgateway.common.messages.StepRecord;
import dev.wfgateway.common.messages.SubmitRunRequest;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Clock;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Runs one admitted run to its end: takes its lock, calls the steps in order with their retry
 * policies, watches the run timeout and the lock lease, and on a final failure hands the run to
 * the DLQ. Every run ends exactly once, with its record saved and published.
 */
final class RunExecutor {
  private final Vertx vertx;
  private final Timers timers;
  private final Clock clock;
  private final RunStore store;
  private final RunLocks locks;
  private final StepInvoker invoker;
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
    this.invoker = invoker;
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
    return new Run(context, record).fail(DlqReason.STEP_FAILED, new FailureInfo("node_lost",
        loss + " while running this run; it was not started again because a step may already have taken effect",
        step), ProblemType.RUN_FAILED);
  }

  /** Ends every run still in progress (node shutdown): each is dead-lettered, none is dropped. */
  Future<Void> abortAll(String why) {
    return Future.join(Set.copyOf(inFlight).stream()
        .map(run -> run.fail(DlqReason.REJECTED, new FailureInfo("shutdown", why, run.currentStep),
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
    private final RunContext context;
    private final WorkflowDefinition definition;
    private final Promise<RunOutcome> outcome = Promise.promise();
    private final long startNanos = System.nanoTime();
    private RunRecord record;
    private LockLease lease;
    private long timeoutTimer = -1;
    private boolean ended;
    private String currentStep;
    private int stepAttempts;
    /** Whether an attempt went out to a downstream; one that timed out or failed may still have acted. */
    private boolean stepCalled;
    /** Whether an attempt went out and has not answered yet: if the run ends meanwhile, it may still act. */
    private boolean awaitingStep;
    private final JsonObject outputs = new JsonObject();

    Run(RunContext context, RunRecord queued) {
      this.context = context;
      this.definition = context.definition();
      this.record = queued;
    }

    void start() {
      timeoutTimer = timers.schedule(definition.timeout().toMillis(), () -> fail(DlqReason.TIMEOUT,
          new FailureInfo("run_timeout", "the run did not finish within " + definition.timeout(), currentStep),
          ProblemType.RUN_TIMEOUT));
      acquireLock()
          .compose(v -> {
            if (record.status() == RunStatus.RUNNING) {
              return Future.succeededFuture(); // recorded running when it was admitted
            }
            record = record.started(now(), 1, lease == null ? null
                : new LockInfo(context.lockKey(), lease.fencingToken()));
            return store.save(record, retention);
          })
          .compose(v -> runStep(0))
          .onSuccess(this::succeed)
          .onFailure(this::failWith);
    }

    private Future<Void> acquireLock() {
      if (context.lockKey() == null) {
        return Future.succeededFuture();
      }
      WorkflowDefinition.LockConfig lock = definition.lock();
      long waitStart = System.nanoTime();
      return locks.acquire(record.tenant(), context.lockKey(), record.runId() + ":1", lock.ttl(), lock.maxWait())
          .andThen(ar -> metrics.lockAcquired(record.tenant(), System.nanoTime() - waitStart, ar.succeeded()))
          .compose(held -> {
            if (ended) { // the run timed out while waiting: give the lock back at once
              return held.release().compose(v -> Future.failedFuture(new IllegalStateException("ended")));
            }
            lease = held;
            return Future.succeededFuture();
          });
    }

    private Future<JsonObject> runStep(int index) {
      if (index == definition.steps().size()) {
        JsonObject result = new JsonObject().put("steps", outputs.copy());
        if (!definition.steps().isEmpty()) {
          result.put("result", outputs.getValue(definition.steps().get(index - 1).name()));
        }
        return Future.succeededFuture(result);
      }
      StepDefinition step = definition.steps().get(index);
      currentStep = step.name();
      stepAttempts = 0;
      long stepStart = System.nanoTime();
      JsonObject payload = new JsonObject().put("input", record.input()).put("steps", outputs.copy());
      return attempt(step, payload)
          .andThen(ar -> {
            long durationMs = (System.nanoTime() - stepStart) / 1_000_000;
            metrics.stepEnded(definition.name(), step.name(), ar.succeeded(), System.nanoTime() - stepStart);
            if (!ended) {
              record = record.withStep(new StepRecord(step.name(), ar.succeeded() ? "succeeded" : "failed",
                  stepAttempts, durationMs, ar.succeeded() ? null : ar.cause().getMessage()));
            }
          })
          .compose(output -> {
            outputs.put(step.name(), output);
            return runStep(index + 1);
          });
    }

    private Future<JsonObject> attempt(StepDefinition step, JsonObject payload) {
      if (ended) {
        return Future.failedFuture(new IllegalStateException("ended"));
      }
      if (lease != null && lease.lost()) {
        return Future.failedFuture(StepFailure.notCalled("lock_lost",
            "the lock lease was lost; the run stopped before calling the step", false, DlqReason.LOCK_LOST));
      }
      stepAttempts++;
      awaitingStep = true;
      return invoker.invoke(step, new StepCall(definition.name(), record.tenant(), record.runId(), payload, headers()))
          .andThen(ar -> awaitingStep = false)
          .onSuccess(output -> stepCalled = true)
          .recover(failure -> {
            StepFailure stepFailure = failure instanceof StepFailure sf ? sf
                : StepFailure.retryable("step_error", String.valueOf(failure.getMessage()));
            stepCalled |= stepFailure.called();
            if (!stepFailure.retryable() || stepAttempts >= step.retry().maxAttempts() || ended) {
              return Future.failedFuture(stepFailure);
            }
            long delay = step.retry().delayMillis(stepAttempts + 1, ThreadLocalRandom.current().nextDouble());
            return (delay == 0 ? Future.<Void>succeededFuture() : timers.delay(delay))
                .compose(v -> attempt(step, payload));
          });
    }

    private MultiMap headers() {
      MultiMap headers = MultiMap.caseInsensitiveMultiMap().add(Headers.RUN_ID, record.runId());
      if (context.request().requestId() != null) {
        headers.add(Headers.REQUEST_ID, context.request().requestId());
      }
      if (context.traceparent() != null) {
        headers.add(Headers.TRACEPARENT, context.traceparent());
      }
      if (lease != null) {
        headers.add(Headers.FENCING_TOKEN, String.valueOf(lease.fencingToken()));
      }
      return headers;
    }

    private void succeed(JsonObject result) {
      if (ended) {
        return;
      }
      ended = true;
      end(record.succeeded(result, now()), null);
    }

    private void failWith(Throwable failure) {
      if (ended) {
        return;
      }
      if (failure instanceof ProblemException pe) { // refused before any step: lock contention, lock store down
        if (context.request().async()) {
          fail(DlqReason.REJECTED, new FailureInfo(pe.problem().type().name().toLowerCase(java.util.Locale.ROOT),
              pe.problem().detail(), null), pe.problem().type());
        } else {
          ended = true;
          end(record.ended(RunStatus.FAILED, new FailureInfo("rejected", pe.problem().detail(), null), null, now()),
              pe.problem());
        }
        return;
      }
      StepFailure sf = failure instanceof StepFailure s ? s : StepFailure.retryable("internal", "unexpected failure");
      fail(sf.reason(), new FailureInfo(sf.type(), sf.getMessage(), currentStep), ProblemType.RUN_FAILED);
    }

    /** Dead-letters the run; if even the DLQ cannot take it, the run ends {@code failed} and says so. */
    Future<RunOutcome> fail(DlqReason reason, FailureInfo failure, ProblemType problemType) {
      if (ended) {
        return outcome.future();
      }
      ended = true;
      stepCalled |= awaitingStep;
      String at = now();
      SubmitRunRequest request = context.request();
      DlqEntry entry = new DlqEntry(null, record.tenant(), record.workflow(), record.runId(), record.input(), reason,
          failure, Math.max(1, stepAttempts), at, at, request.source(), request.requestId(), request.redriveCount());
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
      return outcome.future();
    }

    private void end(RunRecord finalRecord, Problem problem) {
      timers.cancel(timeoutTimer);
      record = finalRecord;
      metrics.runEnded(record.tenant(), definition.name(), record.status(), System.nanoTime() - startNanos);
      Future<Void> released = lease == null ? Future.succeededFuture() : lease.release();
      released.eventually(() -> store.save(record, retention))
          .onComplete(ar -> {
            activeRuns.ended(record.runId()); // only once the final record is stored
            vertx.eventBus().publish(Addresses.EVENTS_RUN, record.toJson());
            outcome.complete(new RunOutcome(record, problem, stepCalled));
          });
    }
  }
}
