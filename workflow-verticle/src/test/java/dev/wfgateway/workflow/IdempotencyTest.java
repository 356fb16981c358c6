package dev.wfgateway.workflow;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wfgateway.common.Addresses;
import dev.wfgateway.common.Headers;
import dev.wfgateway.common.MetricNames;
import dev.wfgateway.common.messages.RunSource;
import dev.wfgateway.common.messages.SubmitRunRequest;
import dev.wfgateway.testkit.Await;
import dev.wfgateway.testkit.RedisFixture;
import dev.wfgateway.testkit.TestVertx;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Idempotency-Key semantics on the event bus, on both backends. */
class IdempotencyTest {
  @RegisterExtension
  static final RedisFixture redis = RedisFixture.perClass();
  private Vertx vertx;
  private WorkflowFixture fixture;
  private final AtomicInteger executions = new AtomicInteger();
  private Promise<Void> gate = Promise.promise();
  private static final String FRAGILE = "fragile";



  @AfterEach
  void tearDown() throws Exception {
    TestVertx.close(vertx);
  }

  private void deploy(String backend, boolean gated) {
    vertx = TestVertx.create();
    fixture = new WorkflowFixture(vertx);
    if (!gated) {
      gate.complete();
    }
    vertx.eventBus().<JsonObject>consumer("test.count", m -> {
      int n = executions.incrementAndGet();
      gate.future().onComplete(v -> {
        if (m.body().getJsonObject("input").getBoolean("fail", false)) {
          m.fail(500, "boom");
        } else {
          m.reply(new JsonObject().put("execution", n));
        }
      });
    });
    vertx.eventBus().<JsonObject>consumer("test.fail", m -> m.fail(500, "boom"));
    JsonObject count = WorkflowFixture.eventBusStep("count", "test.count", "none");
    JsonObject failBehindTheBreaker = WorkflowFixture.eventBusStep("boom", "test.fail", "none")
        .put("circuitBreaker", FRAGILE);
    JsonObject config = WorkflowFixture.config(new JsonObject()
        .put("echo", WorkflowFixture.workflow(count))
        .put("guarded", WorkflowFixture.workflow(count.copy().put("circuitBreaker", FRAGILE)))
        .put("tripping", WorkflowFixture.workflow(failBehindTheBreaker))
        .put("count-then-trip", WorkflowFixture.workflow(count, failBehindTheBreaker))
        .put("locked", WorkflowFixture.workflow(count).put("lock", new JsonObject().put("key", "/orderId")
            .put("ttl", "10s").put("wait", "1s"))))
        .put("circuitBreakers", new JsonObject().put(FRAGILE, new JsonObject().put("failureRateThreshold", 0.5)
            .put("minimumCalls", 2).put("window", "60s").put("openFor", "60s").put("halfOpenCalls", 1)));
    config.getJsonObject("runs").put("idempotencyRetention", "700ms");
    if (backend.equals("redis")) {
      redis.flush();
      config.put("redis", new JsonObject().put("url", redis.url()).put("commandTimeout", "2s"));
    }
    fixture.deploy(config, 1);
  }

  private Future<Message<JsonObject>> submit(String key, JsonObject input) {
    return submit("wide", "echo", key, input);
  }

  private Future<Message<JsonObject>> submit(String tenant, String workflow, String key, JsonObject input) {
    SubmitRunRequest request = new SubmitRunRequest(tenant, workflow, input, key, false, null, RunSource.EVENTBUS, 0);
    return vertx.eventBus().request(Addresses.WORKFLOW_SUBMIT, request.toJson(),
        new DeliveryOptions().setSendTimeout(10_000));
  }

  private String fragileState() {
    JsonObject reply = (JsonObject) Await.result(vertx.eventBus().request(Addresses.WORKFLOW_BREAKERS + ".standalone",
        new JsonObject())).body();
    return reply.getJsonArray("breakers").stream().map(JsonObject.class::cast)
        .filter(b -> FRAGILE.equals(b.getString("name")) && "wide".equals(b.getString("tenant")))
        .map(b -> b.getString("state")).findFirst().orElse("none");
  }

  /** Deploys, then two failed calls open the tenant's breaker {@value #FRAGILE}; no Idempotency-Key is involved. */
  private void deployWithTheBreakerOpen(String backend) {
    deploy(backend, false);
    for (int i = 0; i < 2; i++) {
      assertThat(WorkflowFixture.problem(Await.failure(submit("wide", "tripping", null, new JsonObject())))
          .getInteger("failureCode")).isEqualTo(502);
    }
    assertThat(fragileState()).isEqualTo("open");
  }

  @ParameterizedTest
  @ValueSource(strings = {"local", "redis"})
  void sameKeyAndBodyRunsOnceAndReplaysTheFirstAnswer(String backend) {
    deploy(backend, false);
    JsonObject input = new JsonObject().put("a", 1).put("b", new JsonObject().put("x", true));

    Message<JsonObject> first = Await.result(submit("k-1", input));
    Message<JsonObject> second = Await.result(submit("k-1", new JsonObject().put("b", new JsonObject().put("x", true))
        .put("a", 1)));

    assertThat(executions.get()).isEqualTo(1);
    assertThat(first.headers().get(Headers.IDEMPOTENT_REPLAYED)).isNull();
    assertThat(second.headers().get(Headers.IDEMPOTENT_REPLAYED)).isEqualTo("true");
    assertThat(second.body().encode()).isEqualTo(first.body().encode());
  }

  @ParameterizedTest
  @ValueSource(strings = {"local", "redis"})
  void aFailedRunIsReplayedAsTheSameFailure(String backend) {
    deploy(backend, false);
    JsonObject input = new JsonObject().put("fail", true);

    JsonObject first = WorkflowFixture.problem(Await.failure(submit("k-2", input)));
    JsonObject second = WorkflowFixture.problem(Await.failure(submit("k-2", input)));

    assertThat(executions.get()).isEqualTo(1);
    assertThat(first.getInteger("failureCode")).isEqualTo(502);
    assertThat(second.remove("idempotentReplayed")).isEqualTo(true);
    assertThat(second).isEqualTo(first);
  }

  @ParameterizedTest
  @ValueSource(strings = {"local", "redis"})
  void aDifferentBodyIs422AndARunningOneIs409(String backend) {
    deploy(backend, true);

    Future<Message<JsonObject>> running = submit("k-3", new JsonObject().put("a", 1));
    Await.until("first run executing", Duration.ofSeconds(5), () -> executions.get() == 1);
    JsonObject conflict = WorkflowFixture.problem(Await.failure(submit("k-3", new JsonObject().put("a", 1))));
    JsonObject mismatch = WorkflowFixture.problem(Await.failure(submit("k-3", new JsonObject().put("a", 2))));
    vertx.runOnContext(v -> gate.complete());
    Await.result(running);

    assertThat(conflict.getInteger("failureCode")).isEqualTo(409);
    assertThat(conflict.getString("type")).endsWith("/idempotency-in-progress");
    assertThat(conflict.getInteger("retryAfterSeconds")).isEqualTo(1);
    assertThat(mismatch.getInteger("failureCode")).isEqualTo(422);
    assertThat(executions.get()).isEqualTo(1);
  }

  @ParameterizedTest
  @ValueSource(strings = {"local", "redis"})
  void concurrentRequestsWithOneKeyExecuteOnce(String backend) {
    deploy(backend, false);
    List<Future<Message<JsonObject>>> requests = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      requests.add(submit("k-4", new JsonObject().put("a", 1)));
    }
    int succeeded = 0;
    for (Future<Message<JsonObject>> request : requests) {
      Await.result(request.otherwiseEmpty());
      succeeded += request.succeeded() ? 1 : 0;
    }
    assertThat(executions.get()).isEqualTo(1);
    assertThat(succeeded).isGreaterThanOrEqualTo(1);
  }

  @ParameterizedTest
  @ValueSource(strings = {"local", "redis"})
  void afterTheRetentionTheKeyStartsANewRun(String backend) {
    deploy(backend, false);
    Await.result(submit("k-5", new JsonObject()));

    Await.until("retention over", Duration.ofSeconds(10), () -> {
      Message<JsonObject> again = Await.result(submit("k-5", new JsonObject()));
      return again.headers().get(Headers.IDEMPOTENT_REPLAYED) == null;
    });
    assertThat(executions.get()).isEqualTo(2);
  }

  @ParameterizedTest
  @ValueSource(strings = {"local", "redis"})
  void aRunAnOpenBreakerRefusedBeforeAnyCallStoresNothingAndTheKeyRunsAfterTheReset(String backend) {
    deployWithTheBreakerOpen(backend);
    JsonObject input = new JsonObject().put("a", 1);

    JsonObject refused = WorkflowFixture.problem(Await.failure(submit("wide", "guarded", "k-6", input)));
    assertThat(refused.getInteger("failureCode")).isEqualTo(502);
    assertThat(refused.getString("detail")).contains("is open");
    assertThat(executions.get()).as("no step was called").isZero();

    vertx.eventBus().publish(Addresses.WORKFLOW_BREAKERS_RESET, new JsonObject().put("name", FRAGILE)
        .put("tenant", "wide"));
    Await.until("the breaker closed", Duration.ofSeconds(5), () -> "closed".equals(fragileState()));
    Message<JsonObject> again = Await.result(submit("wide", "guarded", "k-6", input));

    assertThat(again.headers().get(Headers.IDEMPOTENT_REPLAYED)).isNull();
    assertThat(again.body().getString("status")).isEqualTo("succeeded");
    assertThat(executions.get()).isEqualTo(1);
  }

  @ParameterizedTest
  @ValueSource(strings = {"local", "redis"})
  void aRunThatCalledAStepStoresItsFailureThoughALaterStepsBreakerWasOpen(String backend) {
    deployWithTheBreakerOpen(backend);

    JsonObject first = WorkflowFixture.problem(Await.failure(submit("wide", "count-then-trip", "k-7", new JsonObject())));
    JsonObject second = WorkflowFixture.problem(Await.failure(submit("wide", "count-then-trip", "k-7", new JsonObject())));

    assertThat(first.getInteger("failureCode")).isEqualTo(502);
    assertThat(first.getString("detail")).contains("is open");
    assertThat(second.remove("idempotentReplayed")).isEqualTo(true);
    assertThat(second).isEqualTo(first);
    assertThat(executions.get()).as("the first step ran once").isEqualTo(1);
  }

  @ParameterizedTest
  @ValueSource(strings = {"local", "redis"})
  void aFullBulkheadStoresNothing(String backend) {
    deploy(backend, true);
    List<Future<Message<JsonObject>>> held = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      held.add(submit("acme", "echo", null, new JsonObject()));
    }
    Await.until("two running, two queued", Duration.ofSeconds(5), () -> executions.get() == 2
        && fixture.registry.get(MetricNames.BULKHEAD_QUEUED).tag("tenant", "acme").gauge().value() == 2);

    JsonObject full = WorkflowFixture.problem(Await.failure(submit("acme", "echo", "k-8", new JsonObject())));
    assertThat(full.getInteger("failureCode")).isEqualTo(429);
    assertThat(full.getString("type")).endsWith("/bulkhead-full");
    vertx.runOnContext(v -> gate.complete());
    held.forEach(Await::result);
    Message<JsonObject> again = Await.result(submit("acme", "echo", "k-8", new JsonObject()));

    assertThat(again.headers().get(Headers.IDEMPOTENT_REPLAYED)).isNull();
    assertThat(executions.get()).isEqualTo(5);
  }

  /** The lock script fails (a fence key that is not a number): the lock store refuses with 503, no step is called. */
  @Test
  void aRunTheLockStoreRefusedStoresNothing() {
    deploy("redis", false);
    redis.command("SET fence:{wide}:o-1 not-a-number");
    JsonObject input = new JsonObject().put("orderId", "o-1");

    JsonObject refused = WorkflowFixture.problem(Await.failure(submit("wide", "locked", "k-9", input)));
    assertThat(refused.getInteger("failureCode")).isEqualTo(503);
    assertThat(refused.getString("type")).endsWith("/dependency-unavailable");
    assertThat(executions.get()).isZero();

    redis.command("DEL lock:{wide}:o-1 fence:{wide}:o-1");
    Message<JsonObject> again = Await.result(submit("wide", "locked", "k-9", input));

    assertThat(again.headers().get(Headers.IDEMPOTENT_REPLAYED)).isNull();
    assertThat(executions.get()).isEqualTo(1);
  }
}
