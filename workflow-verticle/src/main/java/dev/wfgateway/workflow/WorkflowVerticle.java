package dev.wfgateway.workflow;

import dev.wfgateway.common.Addresses;
import dev.wfgateway.common.Headers;
import dev.wfgateway.common.NodeStatus;
import dev.wfgateway.common.Problem;
import dev.wfgateway.common.ProblemException;
import dev.wfgateway.common.ProblemType;
import dev.wfgateway.common.config.PlatformConfig;
import dev.wfgateway.common.journal.JsonLinesJournal;
import dev.wfgateway.common.messages.RunStatusRequest;
import dev.wfgateway.common.messages.SubmitRunRequest;
import dev.wfgateway.common.redis.RedisClients;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.redis.client.Redis;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;

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
      store = new RedisRunStore(redis, config.redis().commandTimeout());
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
    boolean clustered = ((io.vertx.core.internal.VertxInternal) vertx).clusterManager() != null;
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
    Handler<Message<Object>> status = message -> answer(message,
        body -> engine.status(RunStatusRequest.fromJson(body)).map(run -> run.toJson()));
    return unfinished.compose(runs -> Future.all(List.of(
        vertx.eventBus().<Object>consumer(Addresses.WORKFLOW_SUBMIT, this::submit).completion(),
        vertx.eventBus().<Object>consumer(Addresses.onNode(Addresses.WORKFLOW_SUBMIT, node), this::submit).completion(),
        vertx.eventBus().<Object>consumer(Addresses.WORKFLOW_STATUS, status).completion(),
        vertx.eventBus().<Object>consumer(Addresses.onNode(Addresses.WORKFLOW_STATUS, node), status).completion(),
        vertx.eventBus().<Object>consumer(Addresses.WORKFLOW_READY,
            message -> message.reply(health.describe().put("draining", engine.draining()))).completion(),
        vertx.eventBus().<Object>consumer(Addresses.WORKFLOW_BREAKERS + "." + NodeStatus.nodeId(vertx),
            message -> answer(message, body -> Future.succeededFuture(new JsonObject()
                .put("node", NodeStatus.nodeId(vertx)).put("breakers", breakers.describe())))).completion(),
        vertx.eventBus().<JsonObject>consumer(Addresses.WORKFLOW_BREAKERS_RESET,
            message -> breakers.reset(message.body().getString("name"), message.body().getString("tenant")))
            .completion()))
        .onSuccess(v -> engine.recover(runs)));
  }

  private void submit(Message<Object> message) {
    if (!(message.body() instanceof JsonObject body)) {
      reject(message, ProblemType.MALFORMED_JSON.problem("The message body must be a JSON object"));
      return;
    }
    Future<Submitted> submitted;
    try {
      submitted = engine.submit(withRequestId(SubmitRunRequest.fromJson(body), message),
          message.headers().get(Headers.TRACEPARENT), chosenRunId(message), message.headers().get(Headers.RESENT));
    } catch (ProblemException e) {
      submitted = Future.failedFuture(e);
    }
    submitted.onSuccess(s -> message.reply(s.body(), s.replayed()
            ? new DeliveryOptions().addHeader(Headers.IDEMPOTENT_REPLAYED, "true") : new DeliveryOptions()))
        .onFailure(e -> reject(message, Problem.fromFailure(e)));
  }

  /** A run id the sender chose ({@code x-run-id}, a UUID), so that it can follow the run while it waits. */
  private static String chosenRunId(Message<Object> message) {
    String runId = message.headers().get(Headers.RUN_ID);
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

  private static SubmitRunRequest withRequestId(SubmitRunRequest request, Message<Object> message) {
    String headerId = message.headers().get(Headers.REQUEST_ID);
    if (request.requestId() != null || headerId == null) {
      return request;
    }
    return new SubmitRunRequest(request.tenant(), request.workflow(), request.input(), request.idempotencyKey(),
        request.async(), headerId, request.source(), request.redriveCount());
  }

  private static void answer(Message<Object> message, Function<JsonObject, Future<JsonObject>> handler) {
    if (!(message.body() instanceof JsonObject body)) {
      reject(message, ProblemType.MALFORMED_JSON.problem("The message body must be a JSON object"));
      return;
    }
    Future<JsonObject> reply;
    try {
      reply = handler.apply(body);
    } catch (ProblemException e) {
      reply = Future.failedFuture(e);
    }
    reply.onSuccess(message::reply).onFailure(e -> reject(message, Problem.fromFailure(e)));
  }

  private static void reject(Message<Object> message, Problem problem) {
    message.fail(problem.status(), problem.toJson().encode());
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
