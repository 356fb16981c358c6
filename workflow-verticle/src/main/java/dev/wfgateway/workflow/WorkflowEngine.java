package dev.wfgateway.workflow;

import dev.wfgateway.common.ProblemException;
import dev.wfgateway.common.ProblemType;
import dev.wfgateway.common.config.PlatformConfig;
import dev.wfgateway.common.config.TenantConfig;
import dev.wfgateway.common.config.WorkflowDefinition;
import dev.wfgateway.common.messages.RunRecord;
import dev.wfgateway.common.messages.RunStatusRequest;
import dev.wfgateway.common.messages.SubmitRunRequest;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.json.pointer.JsonPointer;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Admits runs: checks the tenant may run the workflow, validates the input, finds the lock key,
 * takes a bulkhead slot, records the run and hands it to the {@link RunExecutor}. A sync submit
 * answers when the run ends; an async one as soon as the run is recorded as queued.
 */
final class WorkflowEngine {
  private final Vertx vertx;
  private final PlatformConfig config;
  private final RunStore store;
  private final RunExecutor executor;
  private final InputValidator validator;
  private final WorkflowMetrics metrics;
  private final Map<String, TenantBulkhead> bulkheads = new HashMap<>();
  private boolean draining;

  WorkflowEngine(Vertx vertx, PlatformConfig config, RunStore store, RunExecutor executor, InputValidator validator,
      WorkflowMetrics metrics) {
    this.vertx = vertx;
    this.config = config;
    this.store = store;
    this.executor = executor;
    this.validator = validator;
    this.metrics = metrics;
  }

  Future<RunRecord> submit(SubmitRunRequest request, String traceparent) {
    if (draining) {
      return Future.failedFuture(new ProblemException(ProblemType.DEPENDENCY_UNAVAILABLE
          .problem("This node is shutting down").with("retryAfterSeconds", 1)));
    }
    WorkflowDefinition definition;
    String lockKey;
    try {
      definition = definitionFor(request.tenant(), request.workflow());
      validator.validate(definition.name(), request.input());
      lockKey = lockKey(definition, request.input());
    } catch (ProblemException e) {
      return Future.failedFuture(e);
    }
    Future<TenantBulkhead.Permit> slot = bulkhead(request.tenant()).admit();
    if (slot.failed()) {
      return Future.failedFuture(slot.cause());
    }
    RunRecord queued = RunRecord.queued(UUID.randomUUID().toString(), request.tenant(), definition.name(),
        request.input(), Instant.now().toString());
    RunContext context = new RunContext(request, definition, lockKey, traceparent);
    Future<Void> recorded = store.save(queued, config.runs().retention())
        .recover(e -> Future.failedFuture(new ProblemException(ProblemType.DEPENDENCY_UNAVAILABLE
            .problem("The run store is unavailable").with("retryAfterSeconds", 1))))
        .onFailure(e -> slot.onSuccess(TenantBulkhead.Permit::release));
    Future<RunOutcome> outcome = recorded.compose(v -> slot.transform(ar -> ar.succeeded()
        ? executor.execute(context, queued).andThen(done -> ar.result().release())
        : executor.reject(context, queued, ar.cause().getMessage())));
    if (request.async()) {
      return recorded.map(queued);
    }
    return outcome.compose(o -> o.succeeded() ? Future.succeededFuture(o.record())
        : Future.failedFuture(new ProblemException(o.problem())));
  }

  Future<RunRecord> status(RunStatusRequest request) {
    return store.find(request.tenant(), request.runId())
        .recover(e -> Future.failedFuture(new ProblemException(ProblemType.DEPENDENCY_UNAVAILABLE
            .problem("The run store is unavailable").with("retryAfterSeconds", 1))))
        .compose(run -> run != null ? Future.succeededFuture(run)
            : Future.failedFuture(new ProblemException(ProblemType.NOT_FOUND.problem("No such run"))));
  }

  /** Refuses new runs, lets those in progress finish for up to {@code grace}, then dead-letters the rest. */
  Future<Void> drain(Duration grace) {
    draining = true;
    bulkheads.values().forEach(b -> b.rejectWaiting("the node shut down before the run could start"));
    long deadline = System.nanoTime() + grace.toNanos();
    return waitForRuns(deadline).compose(v -> executor.abortAll("the node shut down before the run finished"));
  }

  private Future<Void> waitForRuns(long deadline) {
    if (executor.inFlight() == 0 || System.nanoTime() >= deadline) {
      return Future.succeededFuture();
    }
    return vertx.timer(50).compose(v -> waitForRuns(deadline));
  }

  private WorkflowDefinition definitionFor(String tenantName, String workflow) {
    TenantConfig tenant = config.tenants().get(tenantName);
    WorkflowDefinition definition = config.workflows().get(workflow);
    if (tenant == null || definition == null || !tenant.mayRun(workflow)) {
      throw new ProblemException(ProblemType.NOT_FOUND.problem("No workflow named '" + workflow + "'"));
    }
    return definition;
  }

  private static String lockKey(WorkflowDefinition definition, JsonObject input) {
    if (definition.lock() == null) {
      return null;
    }
    String pointer = definition.lock().key();
    Object value = JsonPointer.from(pointer).queryJson(input);
    if (!(value instanceof String) && !(value instanceof Number)) {
      String message = "the workflow's lock key " + pointer + " must be a string or number in the input";
      throw new ProblemException(ProblemType.VALIDATION_FAILED.problem(message).with("errors",
          new JsonArray().add(new JsonObject().put("pointer", "/input" + pointer).put("message", message))));
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
