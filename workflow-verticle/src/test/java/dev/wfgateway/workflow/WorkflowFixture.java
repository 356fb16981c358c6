package dev.wfgateway.workflow;

import dev.wfgateway.common.Addresses;
import dev.wfgateway.common.messages.DlqEntry;
import dev.wfgateway.common.messages.SubmitRunRequest;
import dev.wfgateway.common.messages.RunSource;
import dev.wfgateway.testkit.Eventually;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/** A workflow verticle deployed with a test configuration, a recording DLQ and helpers to submit runs. */
final class WorkflowFixture {
  final Vertx vertx;
  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  final List<JsonObject> deadLetters = new CopyOnWriteArrayList<>();
  final List<JsonObject> runEvents = new CopyOnWriteArrayList<>();
  private final AtomicInteger dlqIds = new AtomicInteger();
  /** While false, the DLQ answers every add with a 503, as a DLQ whose store is down would. */
  final AtomicBoolean dlqAvailable = new AtomicBoolean(true);

  /** How long {@link #until} keeps asking. */
  static final Duration PATIENCE = Duration.ofSeconds(10);

  WorkflowFixture(Vertx vertx) {
    this.vertx = vertx;
    vertx.eventBus().<DlqEntry>consumer(Addresses.DLQ_ADD, message -> {
      if (!dlqAvailable.get()) {
        message.fail(503, "dlq unavailable");
        return;
      }
      deadLetters.add(message.body().toJson());
      message.reply(new JsonObject().put("id", "dlq-" + dlqIds.incrementAndGet()));
    });
    vertx.eventBus().<JsonObject>consumer(Addresses.EVENTS_RUN, message -> runEvents.add(message.body()));
  }

  /**
   * A configuration with tenants {@code acme} and {@code globex}, plus the given workflows, and a
   * run journal of its own under {@code target/}.
   */
  static JsonObject config(JsonObject workflows) {
    return new JsonObject()
        .put("runs", new JsonObject().put("journalDir", Path.of("target", "run-journals", UUID.randomUUID().toString())
            .toString()))
        .put("tenants", new JsonObject()
            .put("acme", new JsonObject().put("bulkhead", new JsonObject().put("maxConcurrent", 2).put("maxQueued", 2)))
            .put("globex", new JsonObject().put("workflows", new JsonArray().add("echo")))
            .put("wide", new JsonObject().put("bulkhead", new JsonObject().put("maxConcurrent", 500).put("maxQueued", 0))))
        .put("workflows", workflows);
  }

  static JsonObject eventBusStep(String name, String address, Object retry) {
    return new JsonObject().put("name", name)
        .put("eventbus", new JsonObject().put("address", address).put("timeout", "2s"))
        .put("retry", retry);
  }

  static JsonObject workflow(JsonObject... steps) {
    return new JsonObject().put("timeout", "5s").put("steps", new JsonArray(List.of((Object[]) steps)));
  }

  static JsonObject retry(int maxAttempts, String initial) {
    return retry(maxAttempts, initial, "1s", "none");
  }

  /** Doubling from {@code initial} up to {@code maximum}; {@code jitter} is none, full or equal. */
  static JsonObject retry(int maxAttempts, String initial, String maximum, String jitter) {
    return new JsonObject().put("maxAttempts", maxAttempts).put("initialInterval", initial)
        .put("backoffCoefficient", 2.0).put("maximumInterval", maximum).put("jitter", jitter);
  }

  Future<String> deploy(JsonObject config, int instances) {
    return vertx.deployVerticle(() -> new WorkflowVerticle(registry),
        new DeploymentOptions().setConfig(config).setInstances(instances));
  }

  Future<JsonObject> submit(String tenant, String workflow, JsonObject input, boolean async) {
    SubmitRunRequest request = new SubmitRunRequest(tenant, workflow, input, null, async, "req-1", RunSource.HTTP, 0);
    return vertx.eventBus().<JsonObject>request(Addresses.WORKFLOW_SUBMIT, request.toJson(),
        new DeliveryOptions().setSendTimeout(20_000)).map(Message::body);
  }

  Future<JsonObject> status(String tenant, String runId) {
    return vertx.eventBus().<JsonObject>request(Addresses.WORKFLOW_STATUS,
        new JsonObject().put("tenant", tenant).put("runId", runId)).map(Message::body);
  }

  /** The failure code and problem body of a failed request. */
  static JsonObject problem(Throwable failure) {
    ReplyException re = (ReplyException) failure;
    return new JsonObject(re.getMessage()).put("failureCode", re.failureCode());
  }

  /** The {@link #problem} a request was refused with; a request that was answered fails the returned future. */
  static Future<JsonObject> refused(Future<?> request) {
    return request.transform(ar -> ar.failed() && ar.cause() instanceof ReplyException
        ? Future.succeededFuture(problem(ar.cause()))
        : Future.failedFuture(new AssertionError("expected a refusal, got " + (ar.failed() ? ar.cause() : ar.result()))));
  }

  /** Asks {@code look} again until it answers true; fails after {@link #PATIENCE}. */
  Future<Void> until(String what, Supplier<Future<Boolean>> look) {
    return Eventually.answers(vertx, what, PATIENCE, look);
  }

  /** Runs {@code body} on {@code context}; an exception or failed assertion in it fails the future. */
  static <T> Future<T> onContext(Context context, Callable<Future<T>> body) {
    Promise<T> done = Promise.promise();
    context.runOnContext(v -> {
      try {
        body.call().onComplete(done);
      } catch (Throwable e) {
        done.fail(e);
      }
    });
    return done.future();
  }

  /** The run's record, once its status is {@code status}. */
  Future<JsonObject> awaitStatus(String tenant, String runId, String status) {
    JsonObject[] last = new JsonObject[1];
    return until("run " + runId + " " + status, () -> status(tenant, runId).map(run -> {
      last[0] = run;
      return status.equals(run.getString("status"));
    })).map(v -> last[0]);
  }
}
