package dev.wfgateway.workflow;

import dev.wfgateway.common.Addresses;
import dev.wfgateway.common.config.PlatformConfig;
import dev.wfgateway.common.messages.DlqEntry;
import dev.wfgateway.common.messages.RunRecord;
import dev.wfgateway.common.messages.RunStatus;
import dev.wfgateway.common.messages.RunSource;
import dev.wfgateway.common.messages.SubmitRunRequest;
import dev.wfgateway.testkit.TestVertx;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * A node's {@link WorkflowEngine}, {@link RunTakeover} and {@link RunExecutor} on fakes and
 * {@link ManualTime}, on a Vert.x of its own with a DLQ on the event bus that records what it is
 * handed. Everything runs on one Vert.x context: a test body goes through {@link #onLoop}, so the
 * fakes, the clock and the DLQ's replies never race.
 */
final class EngineOnFakes {
  static {
    // Micrometer's histogram classes initialise on the test thread, not on the loop where the first run ends.
    new WorkflowMetrics(new SimpleMeterRegistry()).runEnded("warm-up", "warm-up", RunStatus.SUCCEEDED, 1);
  }

  final Vertx vertx;
  final Context context;
  final ManualTime time = new ManualTime();
  final FakeRunStore store = new FakeRunStore();
  final FakeRunLocks locks = new FakeRunLocks();
  final ScriptedSteps steps = new ScriptedSteps(time);
  final FakeIdempotencyStore idempotency = new FakeIdempotencyStore();
  final RecordingActiveRuns activeRuns = new RecordingActiveRuns();
  final List<DlqEntry> deadLetters = new ArrayList<>();
  private final List<RunRecord> published = new ArrayList<>();
  private final List<Awaited> awaited = new ArrayList<>();
  /** While true the DLQ answers every add with a 503, as a DLQ whose store is down would. */
  boolean dlqDown;
  final PlatformConfig config;
  private final DeadLetterSender deadLetterSender;
  final RunExecutor executor;
  final WorkflowEngine engine;
  final RunTakeover takeover;

  /**
   * On {@link WorkflowFixture#config}'s tenants, with these workflows and {@code echo} (one step,
   * {@code score}), the only one tenant {@code globex} may run.
   */
  EngineOnFakes(JsonObject workflows) {
    this.vertx = TestVertx.create();
    this.context = vertx.getOrCreateContext();
    this.config = PlatformConfig.fromJson(WorkflowFixture.config(workflows.copy()
        .put("echo", WorkflowFixture.workflow(WorkflowFixture.eventBusStep("score", "test.score", "none")))));
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    WorkflowMetrics metrics = new WorkflowMetrics(registry);
    this.deadLetterSender = new DeadLetterSender(vertx, registry);
    this.executor = new RunExecutor(vertx, time, time, store, locks, steps, deadLetterSender, metrics,
        config.runs().retention(), activeRuns);
    this.engine = new WorkflowEngine(time, time, config, store, idempotency, executor,
        new WorkflowCatalog(config), metrics, activeRuns);
    this.takeover = new RunTakeover(engine, store, executor, time, time, config.runs().retention());
  }

  /** Registers the DLQ, each entry it stores getting the id {@code dlq-<n>}, and a listener of the run events. */
  Future<Void> start() {
    return onLoop(() -> Future.all(vertx.eventBus().<JsonObject>consumer(Addresses.EVENTS_RUN, message -> {
      RunRecord run = RunRecord.fromJson(message.body());
      published.add(run);
      awaited.removeIf(awaiting -> awaiting.complete(run));
    }).completion(), vertx.eventBus().<DlqEntry>consumer(Addresses.DLQ_ADD, message -> {
      if (dlqDown) {
        message.fail(503, "dlq unavailable");
        return;
      }
      deadLetters.add(message.body());
      message.reply(new JsonObject().put("id", "dlq-" + deadLetters.size()));
    }).completion()).mapEmpty());
  }

  private record Awaited(String runId, RunStatus status, Promise<RunRecord> promise) {
    boolean complete(RunRecord run) {
      return run.runId().equals(runId) && run.status() == status && promise.tryComplete(run);
    }
  }

  /** Completes with the record once the executor has published the run with this status (at once if it has). */
  Future<RunRecord> published(String runId, RunStatus status) {
    return onLoop(() -> {
      Awaited awaiting = new Awaited(runId, status, Promise.promise());
      if (published.stream().noneMatch(awaiting::complete)) {
        awaited.add(awaiting);
      }
      return awaiting.promise().future();
    });
  }

  /** Closes its Vert.x; fails if an event loop was blocked meanwhile. */
  void close() throws Exception {
    deadLetterSender.stop();
    TestVertx.close(vertx);
  }

  /** Runs {@code body} on the context; an exception or failed assertion in it fails the future. */
  <T> Future<T> onLoop(Callable<Future<T>> body) {
    return WorkflowFixture.onContext(context, body);
  }

  /** A submit as the gateway makes it, with no Idempotency-Key. */
  static SubmitRunRequest request(String tenant, String workflow, JsonObject input, boolean async) {
    return request(tenant, workflow, input, async, null);
  }

  static SubmitRunRequest request(String tenant, String workflow, JsonObject input, boolean async, String key) {
    return new SubmitRunRequest(tenant, workflow, input, key, async, "req-1", RunSource.HTTP, 0);
  }

  /**
   * Hands {@code acme}'s sync run {@code runId} of {@code workflow} (definition version {@code v1})
   * to the executor, its lock key taken from {@code orderId} when the workflow takes a lock.
   */
  Future<RunOutcome> execute(String runId, String workflow, JsonObject input) {
    RunRecord queued = RunRecord.queued(runId, "acme", workflow, "v1", input, ManualTime.START.toString());
    String lockKey = config.workflows().get(workflow).lock() == null ? null : input.getString("orderId");
    return executor.execute(contextOf(request("acme", workflow, input, false), lockKey), queued);
  }

  /** What the executor is handed for a run of {@code workflow}, as the engine builds it. */
  RunContext contextOf(SubmitRunRequest request, String lockKey) {
    return new RunContext(request, config.workflows().get(request.workflow()), lockKey, null);
  }
}
