package dev.wfgateway.workflow;

import dev.wfgateway.common.Addresses;
import dev.wfgateway.common.Headers;
import dev.wfgateway.common.NodeStatus;
import dev.wfgateway.common.ProblemException;
import dev.wfgateway.common.ProblemType;
import dev.wfgateway.common.config.PlatformConfig;
import dev.wfgateway.common.journal.JsonLinesJournal;
import dev.wfgateway.common.messages.RunStatusRequest;
import dev.wfgateway.common.messages.SubmitRunRequest;
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
    if (config.redisBackend()) {
      redis = RedisClients.create(vertx, config.redis());
      store = new RedisRunStore(redis, config.redis().commandTimeout(), registry);
      locks = new RedisFencedLocks(vertx, redis, config.redis().commandTimeout(), metrics.leasesLost());
      idempotency = new RedisIdempotencyStore(redis, config.redis().commandTimeout());
      unfinished = Future.succeededFuture(List.of());
    } else {
      runJournal = new RunJournal(new JsonLinesJournal(vertx, Path.of(config.runs().journalDir())), clock);
      SharedDataRunStore journaled = new SharedDataRunStore(vertx, runJournal, clock);
      store = journaled;
      unfinished = journaled.open();
      locks = new SharedDataRunLocks(vertx, clock);
      idempotency = new SharedDataIdempotencyStore(vertx);
    }
    webClient = WebClient.create(vertx, new WebClientOptions().setKeepAlive(true).setUserAgent("wfgateway-workflow"),
        new PoolOptions().setHttp1MaxSize(64));
    StepInvoker eventBusSteps = new EventBusStepInvoker(vertx);
    StepInvoker httpSteps = new HttpStepInvoker(webClient);
    breakers = new CircuitBreakers(vertx, config, registry, System::nanoTime);
    StepInvoker steps = new BreakingStepInvoker((step, call) -> step.eventbus() != null
        ? eventBusSteps.invoke(step, call) : httpSteps.invoke(step, call), breakers);
    boolean clustered = vertx.isClustered();
    ClusterActiveRuns clusterRuns = clustered ? new ClusterActiveRuns(vertx) : null;
    ActiveRuns activeRuns = clustered ? clusterRuns : ActiveRuns.NONE;
    deadLetters = new DeadLetterSender(vertx, registry);
    RunExecutor executor = new RunExecutor(vertx, timers, clock, store, locks, steps, deadLetters, metrics,
        config.runs().retention(), activeRuns);
    engine = new WorkflowEngine(timers, clock, config, store, idempotency, executor,
        new InputValidator(config.workflows()), metrics, activeRuns);
    if (clustered) {
      reaperTimer = vertx.setPeriodic(REAP_INTERVAL_MILLIS, id -> clusterRuns.reap(engine::adoptOrphan));
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
        vertx.eventBus().<Object>consumer(Addresses.WORKFLOW_READY,
            message -> message.reply(health.describe().put("draining", engine.draining()))).completion(),
        vertx.eventBus().<Object>consumer(Addresses.WORKFLOW_BREAKERS + "." + NodeStatus.nodeId(vertx),
            message -> message.reply(new JsonObject().put("node", node).put("breakers", breakers.describe())))
            .completion(),
        vertx.eventBus().<JsonObject>consumer(Addresses.WORKFLOW_BREAKERS_RESET,
            message -> breakers.reset(message.body().getString("name"), message.body().getString("tenant")))
            .completion())))
        .onSuccess(v -> engine.recover(runs)));
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
