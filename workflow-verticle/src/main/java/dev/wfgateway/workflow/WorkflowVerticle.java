package dev.wfgateway.workflow;

import dev.wfgateway.common.Addresses;
import dev.wfgateway.common.Headers;
import dev.wfgateway.common.NodeStatus;
import dev.wfgateway.common.ProblemException;
import dev.wfgateway.common.ProblemType;
import dev.wfgateway.common.config.ConfigException;
import dev.wfgateway.common.config.PlatformConfig;
import dev.wfgateway.common.journal.JsonLinesJournal;
import dev.wfgateway.common.messages.RunStatusRequest;
import dev.wfgateway.common.messages.SubmitRunRequest;
import dev.wfgateway.common.redis.GroupCommit;
import dev.wfgateway.common.redis.RedisClients;
import dev.wfgateway.common.service.WorkflowService;
import dev.wfgateway.common.messages.RunRecord;
import dev.wfgateway.common.messages.SubmittedRun;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.redis.client.Redis;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Serves {@code platform.workflow.submit} and {@code platform.workflow.status}. Deploy one instance
 * per node: tenant bulkheads are per instance, so one instance makes them per node.
 */
public final class WorkflowVerticle extends VerticleBase {
  /**
   * Node-local address on which the launcher hands a reloaded configuration (JSON) to the workflow
   * engine: new runs take the definitions in it, runs in progress keep theirs. Replies when the
   * definitions are in use, or fails (400, every problem named) and keeps the previous ones.
   */
  public static final String RELOAD_DEFINITIONS = "platform.workflow.reload-definitions";
  /** How often a node looks for runs of departed nodes to adopt. */
  private static final long REAP_INTERVAL_MILLIS = 2_000;
  /** How often the run store is probed for the readiness check. */
  private static final long PROBE_INTERVAL_MILLIS = 1_000;

  private final MeterRegistry registry;
  private WorkflowEngine engine;
  private CircuitBreakers breakers;
  private long reaperTimer = -1;
  private long probeTimer = -1;
  private Duration shutdownGrace;
  private DeadLetterSender deadLetters;
  private WebClient webClient;
  private Redis redis;
  private RunJournal runJournal;

  public WorkflowVerticle(MeterRegistry registry) {
    this.registry = registry;
  }

  @Override
  public Future<?> start() {
    PlatformConfig config = PlatformConfig.fromJson(config());
    WorkflowMetrics metrics = new WorkflowMetrics(registry);
    shutdownGrace = config.runs().shutdownGrace();
    Clock clock = Clock.systemUTC();
    Timers timers = Timers.of(vertx);
    RunStore store;
    RunLocks locks;
    IdempotencyStore idempotency;
    Future<List<JournaledRun>> unfinished;
    GroupCommit redisWrites = null;
    if (config.redisBackend()) {
      redis = RedisClients.create(vertx, config.redis());
      redisWrites = new GroupCommit(context, redis, config.redis().commandTimeout(), registry, "runs");
      store = new RedisRunStore(redis, redisWrites, config.redis().commandTimeout());
      locks = new RedisFencedLocks(vertx, redis, config.redis().commandTimeout(), metrics.leasesLost());
      idempotency = new RedisIdempotencyStore(redis, config.redis().commandTimeout());
      unfinished = Future.succeededFuture(List.of());
    } else {
      runJournal = new RunJournal(new JsonLinesJournal(vertx, Path.of(config.runs().journalDir())), clock);
      SharedDataRunStore journaled = new SharedDataRunStore(RecordMap.of(vertx, "platform.runs", timers, clock),
          runJournal, clock);
      store = journaled;
      unfinished = journaled.open();
      locks = new SharedDataRunLocks(vertx, clock);
      idempotency = new SharedDataIdempotencyStore(RecordMap.of(vertx, "platform.idempotency", timers, clock));
    }
    webClient = WebClient.create(vertx, new WebClientOptions().setKeepAlive(true).setUserAgent("wfgateway-workflow"),
        new PoolOptions().setHttp1MaxSize(64));
    StepInvoker eventBusSteps = new EventBusStepInvoker(vertx);
    StepInvoker httpSteps = new HttpStepInvoker(webClient);
    breakers = new CircuitBreakers(vertx, config, registry, System::nanoTime);
    StepInvoker steps = new BreakingStepInvoker((target, call) -> target.eventbus() != null
        ? eventBusSteps.invoke(target, call) : httpSteps.invoke(target, call), breakers);
    boolean clustered = vertx.isClustered();
    ActiveRuns activeRuns = !clustered ? ActiveRuns.NONE
        : redisWrites != null ? new RedisActiveRuns(redisWrites, NodeStatus.nodeId(vertx), config.tenants().keySet(),
            () -> ClusterActiveRuns.members(vertx))
        : new ClusterActiveRuns(vertx);
    deadLetters = new DeadLetterSender(vertx, registry);
    RunExecutor executor = new RunExecutor(vertx, timers, clock, store, locks, steps, deadLetters, metrics,
        config.runs().retention(), activeRuns);
    WorkflowCatalog catalog = new WorkflowCatalog(config);
    engine = new WorkflowEngine(timers, clock, config, store, idempotency, executor, catalog, metrics, activeRuns);
    RunTakeover takeover = new RunTakeover(engine, store, executor, timers, clock, config.runs().retention());
    if (clustered) {
      reaperTimer = vertx.setPeriodic(REAP_INTERVAL_MILLIS, id -> activeRuns.reap(takeover::adoptOrphan));
    }
    RunStoreHealth health = new RunStoreHealth(store, config.tenants().keySet());
    if (config.redisBackend()) {
      probeTimer = vertx.setPeriodic(PROBE_INTERVAL_MILLIS, id -> health.check());
    }

    String node = NodeStatus.nodeId(vertx);
    List<Future<Void>> registered = new ArrayList<>();
    WorkflowService.bind(vertx.eventBus(), node, new WorkflowService() {
      @Override
      public Future<SubmittedRun> submit(SubmitRunRequest request, MultiMap headers) {
        return WorkflowVerticle.this.submit(request, headers);
      }

      @Override
      public Future<RunRecord> status(RunStatusRequest request) {
        return engine.status(request);
      }
    }).forEach(consumer -> registered.add(consumer.completion()));
    return unfinished.compose(runs -> Future.all(registered).compose(v -> Future.all(List.of(
        vertx.eventBus().<JsonObject>localConsumer(RELOAD_DEFINITIONS, message -> reload(catalog, message))
            .completion(),
        vertx.eventBus().<Object>consumer(Addresses.WORKFLOW_READY,
            message -> message.reply(health.describe().put("draining", engine.draining()))).completion(),
        vertx.eventBus().<Object>consumer(Addresses.WORKFLOW_BREAKERS + "." + NodeStatus.nodeId(vertx),
            message -> message.reply(new JsonObject().put("node", node).put("breakers", breakers.describe())))
            .completion(),
        vertx.eventBus().<JsonObject>consumer(Addresses.WORKFLOW_BREAKERS_RESET,
            message -> breakers.reset(message.body().getString("name"), message.body().getString("tenant")))
            .completion())))
        .onSuccess(v -> takeover.recover(runs)));
  }

  private void reload(WorkflowCatalog catalog, Message<JsonObject> message) {
    PlatformConfig next;
    try {
      next = PlatformConfig.fromJson(message.body());
    } catch (ConfigException e) {
      message.fail(400, e.getMessage());
      return;
    }
    try {
      catalog.replace(next);
    } catch (RuntimeException e) { // an input schema the validator cannot compile
      message.fail(400, "invalid configuration: an input schema cannot be used: " + e.getMessage());
      return;
    }
    breakers.configure(next);
    message.reply(null);
  }

  private Future<SubmittedRun> submit(SubmitRunRequest request, MultiMap headers) {
    return engine.submit(withRequestId(request, headers.get(Headers.REQUEST_ID)), headers.get(Headers.TRACEPARENT),
        chosenRunId(headers.get(Headers.RUN_ID)), headers.get(Headers.RESENT));
  }

  /** A run id the sender chose ({@code x-run-id}, a UUID), so that it can follow the run while it waits. */
  private static String chosenRunId(String runId) {
    if (runId == null) {
      return null;
    }
    try {
      return java.util.UUID.fromString(runId).toString().equals(runId.toLowerCase(java.util.Locale.ROOT))
          ? runId.toLowerCase(java.util.Locale.ROOT) : null;
    } catch (IllegalArgumentException e) {
      throw new ProblemException(ProblemType.VALIDATION_FAILED.problem("x-run-id must be a UUID"));
    }
  }

  private static SubmitRunRequest withRequestId(SubmitRunRequest request, String headerId) {
    if (request.requestId() != null || headerId == null) {
      return request;
    }
    return new SubmitRunRequest(request.tenant(), request.workflow(), request.input(), request.idempotencyKey(),
        request.async(), headerId, request.source(), request.redriveCount());
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(reaperTimer);
    vertx.cancelTimer(probeTimer);
    return engine.drain(shutdownGrace).eventually(() -> {
      deadLetters.stop();
      webClient.close();
      return redis == null ? runJournal.close() : redis.close();
    });
  }
}
