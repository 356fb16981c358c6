package dev.wfgateway.workflow;

import dev.wfgateway.common.messages.SubmittedRun;
import dev.wfgateway.common.Problem;
import dev.wfgateway.common.ProblemException;
import dev.wfgateway.common.ProblemType;
import dev.wfgateway.common.config.PlatformConfig;
import dev.wfgateway.common.config.WorkflowDefinition;
import dev.wfgateway.common.json.JsonRejected;
import dev.wfgateway.common.json.StrictJson;
import dev.wfgateway.common.messages.FailureInfo;
import dev.wfgateway.common.messages.RunRecord;
import dev.wfgateway.common.messages.RunStatus;
import dev.wfgateway.common.messages.RunStatusRequest;
import dev.wfgateway.common.messages.SubmitRunRequest;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.core.json.pointer.JsonPointer;
import java.time.Duration;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Admits runs: checks the tenant may run the workflow, validates the input, finds the lock key,
 * takes a bulkhead slot, records the run and hands it to the {@link RunExecutor}. A sync submit
 * answers when the run ends; an async one as soon as the run is recorded as queued.
 */
final class WorkflowEngine {
  private final Timers timers;
  private final Clock clock;
  private final PlatformConfig config;
  private final RunStore store;
  private final RunExecutor executor;
  private final WorkflowCatalog catalog;
  private final IdempotentSubmits idempotentSubmits;
  private final ActiveRuns activeRuns;
  private final WorkflowMetrics metrics;
  private static final int NOT_STARTED_ATTEMPTS = 5;
  private static final long NOT_STARTED_BACKOFF_MILLIS = 500;
  /** How often a draining node looks whether its runs in progress have finished. */
  private static final long DRAIN_POLL_MILLIS = 50;

  private final Map<String, TenantBulkhead> bulkheads = new HashMap<>();
  private boolean draining;

  WorkflowEngine(Timers timers, Clock clock, PlatformConfig config, RunStore store, IdempotencyStore idempotency,
      RunExecutor executor, WorkflowCatalog catalog, WorkflowMetrics metrics, ActiveRuns activeRuns) {
    this.idempotentSubmits = new IdempotentSubmits(idempotency, config.runs().idempotencyRetention());
    this.activeRuns = activeRuns;
    this.timers = timers;
    this.clock = clock;
    this.config = config;
    this.store = store;
    this.executor = executor;
    this.catalog = catalog;
    this.metrics = metrics;
  }

  /**
   * {@code runId}: the id the gateway chose (so it can follow the run), or null for a new one.
   * {@code resentFrom}: the node this submit went to first, when the gateway sends it again because
   * that node left the cluster before answering (see {@link #resent}).
   */
  Future<SubmittedRun> submit(SubmitRunRequest request, String traceparent, String runId, String resentFrom) {
    if (resentFrom != null && runId != null) {
      return resent(request, traceparent, runId, resentFrom);
    }
    return submit(request, traceparent, runId, false);
  }

  /**
   * A submit the first node may or may not have taken before it died. If it recorded the run, that
   * record is the run: it is not started twice (the survivors adopt it, as its record says); an
   * async submit is answered with the record, a sync one with a 503 naming the run. If there is no
   * record, the first node never started it, and it is admitted here as if new.
   */
  private Future<SubmittedRun> resent(SubmitRunRequest request, String traceparent, String runId, String resentFrom) {
    return store.find(request.tenant(), runId)
        .recover(e -> Future.failedFuture(unavailable("The run store is unavailable")))
        .compose(existing -> {
          if (existing == null) {
            return submit(request, traceparent, runId, true);
          }
          if (request.async()) {
            return Future.succeededFuture(new SubmittedRun(existing.toJson(), false));
          }
          return Future.failedFuture(new ProblemException(ProblemType.DEPENDENCY_UNAVAILABLE
              .problem("The node running this run (" + resentFrom + ") left the cluster; the run is started again "
                  + "on another node, or dead-lettered if a step had begun; its record tells which")
              .with("runId", runId).with("retryAfterSeconds", 1)));
        });
  }

  private Future<SubmittedRun> submit(SubmitRunRequest request, String traceparent, String runId, boolean resent) {
    if (draining) {
      return Future.failedFuture(new ProblemException(ProblemType.DEPENDENCY_UNAVAILABLE
          .problem("This node is shutting down").with("retryAfterSeconds", 1)));
    }
    WorkflowDefinition definition;
    String lockKey;
    try {
      definition = catalog.definitionFor(request.tenant(), request.workflow());
      holdToLimits(request.input());
      catalog.validate(definition, request.input());
      lockKey = lockKey(definition, request.input());
    } catch (ProblemException e) {
      return Future.failedFuture(e);
    }
    RunContext context = new RunContext(request, definition, lockKey, traceparent);
    String id = runId != null ? runId : UUID.randomUUID().toString();
    if (request.idempotencyKey() == null) {
      return admit(context, id).compose(admission -> request.async() ? Future.succeededFuture(admission.recorded())
          : admission.outcome().compose(RunOutcome::answer)).map(run -> new SubmittedRun(run.toJson(), false));
    }
    return idempotentSubmits.submit(context, id, resent, this::admit);
  }

  /** Another service's message meets the limits an HTTP body does: what is accepted can always be stored and read. */
  private void holdToLimits(JsonObject input) {
    try {
      StrictJson.check(input, config.http().maxJsonDepth(), "/input");
    } catch (JsonRejected e) {
      throw new ProblemException(e.problem());
    }
  }

  private Future<Admission> admit(RunContext context, String runId) {
    return admit(context, runId, null, false);
  }

  /**
   * Records the run as queued and hands it to the executor once it has a bulkhead slot; answers as
   * soon as the run is recorded, with its outcome still to come. A new run's record is created
   * only if absent; if that write does not answer in time, the run is not started and a
   * {@code failed} record is written in its place, so a write that lands late can never leave a
   * queued run nobody runs. A run adopted from a departed node ({@code adoptedFrom}) overwrites
   * its queued record ({@code overwrite}); one the departed node never recorded is created like a
   * new run, so that it cannot also be started by a resent submit (see {@link #resent}).
   */
  Future<Admission> admit(RunContext context, String runId, String adoptedFrom, boolean overwrite) {
    boolean restart = adoptedFrom != null;
    SubmitRunRequest request = context.request();
    Future<TenantBulkhead.Permit> slot = bulkhead(request.tenant()).admit();
    if (slot.failed()) {
      return Future.failedFuture(slot.cause());
    }
    String now = clock.instant().toString();
    RunRecord queued = RunRecord.queued(runId, request.tenant(), context.definition().name(),
        context.definition().version(), request.input(), now);
    // A sync run that starts at once, with no lock to wait for, is recorded running from the first
    // write: one round trip fewer, and nobody can read its queued record before it starts anyway.
    boolean startsNow = !request.async() && !restart && slot.succeeded() && context.lockKey() == null;
    RunRecord first = startsNow ? queued.started(now, 1, null) : queued;
    // Registered before it is recorded: a node that dies in between leaves an orphan the survivors
    // adopt, never a queued record that nobody owns.
    Future<Void> registered = activeRuns.register(context, runId, adoptedFrom);
    Future<Void> recorded = registered.otherwiseEmpty()
        .compose(v -> overwrite ? store.save(first, config.runs().retention())
            : store.create(first, request, config.runs().retention()))
        .recover(e -> Future.failedFuture(e instanceof ProblemException ? e
            : unavailable("The run store is unavailable")))
        .onFailure(e -> {
          if (!ProblemException.is(e, ProblemType.RUN_ID_TAKEN)) {
            recordNotStarted(queued);
          }
          activeRuns.ended(runId);
          slot.onSuccess(TenantBulkhead.Permit::release);
        });
    Future<RunOutcome> outcome = recorded.compose(v -> slot.transform(ar -> ar.succeeded()
        ? executor.execute(context, first).andThen(done -> ar.result().release())
        : executor.reject(context, first, ar.cause().getMessage())));
    return recorded.map(new Admission(first, outcome));
  }

  private void recordNotStarted(RunRecord queued) {
    RunRecord failed = queued.ended(RunStatus.FAILED, new FailureInfo("run_store_unavailable",
        "the run store did not answer in time; the run was not started", null), null, clock.instant().toString());
    saveWithRetries(failed, NOT_STARTED_ATTEMPTS);
  }

  private void saveWithRetries(RunRecord record, int attemptsLeft) {
    store.save(record, config.runs().retention()).onFailure(e -> {
      if (attemptsLeft > 1) {
        timers.delay(NOT_STARTED_BACKOFF_MILLIS).onSuccess(v -> saveWithRetries(record, attemptsLeft - 1));
      }
    });
  }

  static ProblemException unavailable(String detail) {
    return new ProblemException(ProblemType.DEPENDENCY_UNAVAILABLE.problem(detail).with("retryAfterSeconds", 1));
  }

  /**
   * The context of a run taken over ({@link RunTakeover}), on its recorded definition version when
   * this node knows it, else on the current one; null when the configuration no longer allows the
   * run (the submit was validated when it came in).
   */
  RunContext contextOf(SubmitRunRequest request, String traceparent, String definitionVersion) {
    try {
      WorkflowDefinition current = catalog.definitionFor(request.tenant(), request.workflow());
      WorkflowDefinition recorded = catalog.version(request.workflow(), definitionVersion);
      WorkflowDefinition definition = recorded != null ? recorded : current;
      return new RunContext(request, definition, lockKey(definition, request.input()), traceparent);
    } catch (ProblemException e) {
      return null;
    }
  }

  Future<RunRecord> status(RunStatusRequest request) {
    return store.find(request.tenant(), request.runId())
        .recover(e -> Future.failedFuture(unavailable("The run store is unavailable")))
        .compose(run -> run != null ? Future.succeededFuture(run)
            : Future.failedFuture(new ProblemException(ProblemType.NOT_FOUND.problem("No such run"))));
  }

  boolean draining() {
    return draining;
  }

  /** Refuses new runs, lets those in progress finish for up to {@code grace}, then dead-letters the rest. */
  Future<Void> drain(Duration grace) {
    draining = true;
    bulkheads.values().forEach(b -> b.rejectWaiting("the node shut down before the run could start"));
    long deadline = clock.millis() + grace.toMillis();
    return waitForRuns(deadline).compose(v -> executor.abortAll("the node shut down before the run finished"));
  }

  private Future<Void> waitForRuns(long deadline) {
    if (executor.inFlight() == 0 || clock.millis() >= deadline) {
      return Future.succeededFuture();
    }
    return timers.delay(DRAIN_POLL_MILLIS).compose(v -> waitForRuns(deadline));
  }

  private static String lockKey(WorkflowDefinition definition, JsonObject input) {
    if (definition.lock() == null) {
      return null;
    }
    String pointer = definition.lock().key();
    Object value = JsonPointer.from(pointer).queryJson(input);
    if (!(value instanceof String) && !(value instanceof Number)) {
      String message = "the workflow's lock key " + pointer + " must be a string or number in the input";
      throw new ProblemException(Problem.invalid("/input" + pointer, message));
    }
    return String.valueOf(value);
  }

  private TenantBulkhead bulkhead(String tenant) {
    return bulkheads.computeIfAbsent(tenant, t -> {
      TenantBulkhead bulkhead = new TenantBulkhead(config.tenants().get(t).bulkhead());
      metrics.bulkheadRegistered(t, bulkhead);
      return bulkhead;
    });
  }
}
