package dev.wfgateway.workflow;

import static dev.wfgateway.workflow.WorkflowFixture.refused;
import static org.assertj.core.api.Assertions.assertThat;

import dev.wfgateway.common.Addresses;
import dev.wfgateway.common.Headers;
import dev.wfgateway.common.MetricNames;
import dev.wfgateway.common.messages.RunSource;
import dev.wfgateway.common.messages.SubmitRunRequest;
import dev.wfgateway.testkit.RedisFixture;
import dev.wfgateway.testkit.TestVertx;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Idempotency-Key semantics on the event bus, on both backends. */
@ExtendWith(VertxExtension.class)
class IdempotencyTest {
  @RegisterExtension
  static final RedisFixture redis = RedisFixture.perClass();
  private static final String FRAGILE = "fragile";

  private Vertx vertx;
  private WorkflowFixture fixture;
  private final AtomicInteger executions = new AtomicInteger();
  /** Step {@code count} answers once this is complete. */
  private final Promise<Void> gate = Promise.promise();

  @BeforeEach
  void setUp() {
    vertx = TestVertx.create();
    fixture = new WorkflowFixture(vertx);
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
  }

  @AfterEach
  void tearDown() throws Exception {
    TestVertx.close(vertx);
  }

  /** Deploys on the backend; unless {@code gated}, step {@code count} answers at once. */
  private Future<String> deploy(String backend, boolean gated) {
    if (!gated) {
      gate.complete();
    }
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
      redis.flush(); // on the test thread, before anything runs on an event loop
      config.put("redis", new JsonObject().put("url", redis.url()).put("commandTimeout", "2s"));
    }
    return fixture.deploy(config, 1);
  }

  private Future<Message<JsonObject>> submit(String key, JsonObject input) {
    return submit("wide", "echo", key, input);
  }

  private Future<Message<JsonObject>> submit(String tenant, String workflow, String key, JsonObject input) {
    SubmitRunRequest request = new SubmitRunRequest(tenant, workflow, input, key, false, null, RunSource.EVENTBUS, 0);
    return vertx.eventBus().request(Addresses.WORKFLOW_SUBMIT, request.toJson(),
        new DeliveryOptions().setSendTimeout(10_000));
  }

  private static boolean replayed(Message<JsonObject> answer) {
    return "true".equals(answer.headers().get(Headers.IDEMPOTENT_REPLAYED));
  }

  private Future<String> fragileState() {
    return vertx.eventBus().<JsonObject>request(Addresses.WORKFLOW_BREAKERS + ".standalone", new JsonObject())
        .map(reply -> reply.body().getJsonArray("breakers").stream().map(JsonObject.class::cast)
            .filter(b -> FRAGILE.equals(b.getString("name")) && "wide".equals(b.getString("tenant")))
            .map(b -> b.getString("state")).findFirst().orElse("none"));
  }

  /** Deploys, then two failed calls open the tenant's breaker {@value #FRAGILE}; no Idempotency-Key is involved. */
  private Future<Void> deployWithTheBreakerOpen(String backend) {
    Future<Void> tripped = deploy(backend, false).mapEmpty();
    for (int i = 0; i < 2; i++) {
      tripped = tripped.compose(v -> refused(submit("wide", "tripping", null, new JsonObject()))).map(problem -> {
        assertThat(problem.getInteger("failureCode")).isEqualTo(502);
        return null;
      });
    }
    return tripped.compose(v -> fragileState()).map(state -> {
      assertThat(state).isEqualTo("open");
      return null;
    });
  }

  @ParameterizedTest
  @ValueSource(strings = {"local", "redis"})
  void sameKeyAndBodyRunsOnceAndReplaysTheFirstAnswer(String backend, VertxTestContext test) {
    JsonObject input = new JsonObject().put("a", 1).put("b", new JsonObject().put("x", true));

    deploy(backend, false)
        .compose(id -> submit("k-1", input))
        .compose(first -> submit("k-1", new JsonObject().put("b", new JsonObject().put("x", true)).put("a", 1))
            .map(second -> List.of(first, second)))
        .onComplete(test.succeeding(answers -> test.verify(() -> {
          assertThat(executions.get()).isEqualTo(1);
          assertThat(answers.get(0).headers().get(Headers.IDEMPOTENT_REPLAYED)).isNull();
          assertThat(answers.get(1).headers().get(Headers.IDEMPOTENT_REPLAYED)).isEqualTo("true");
          assertThat(answers.get(1).body().encode()).isEqualTo(answers.get(0).body().encode());
          test.completeNow();
        })));
  }

  @ParameterizedTest
  @ValueSource(strings = {"local", "redis"})
  void aFailedRunIsReplayedAsTheSameFailure(String backend, VertxTestContext test) {
    JsonObject input = new JsonObject().put("fail", true);

    deploy(backend, false)
        .compose(id -> refused(submit("k-2", input)))
        .compose(first -> refused(submit("k-2", input)).map(second -> List.of(first, second)))
        .onComplete(test.succeeding(problems -> test.verify(() -> {
          JsonObject first = problems.get(0);
          JsonObject second = problems.get(1);
          assertThat(executions.get()).isEqualTo(1);
          assertThat(first.getInteger("failureCode")).isEqualTo(502);
          assertThat(second.remove("idempotentReplayed")).isEqualTo(true);
          assertThat(second).isEqualTo(first);
          test.completeNow();
        })));
  }

  @ParameterizedTest
  @ValueSource(strings = {"local", "redis"})
  void aDifferentBodyIs422AndARunningOneIs409(String backend, VertxTestContext test) {
    List<Future<Message<JsonObject>>> running = new ArrayList<>();

    deploy(backend, true)
        .compose(id -> {
          running.add(submit("k-3", new JsonObject().put("a", 1)));
          return fixture.until("first run executing", () -> Future.succeededFuture(executions.get() == 1));
        })
        .compose(v -> refused(submit("k-3", new JsonObject().put("a", 1))))
        .compose(conflict -> refused(submit("k-3", new JsonObject().put("a", 2))).compose(mismatch -> {
          assertThat(conflict.getInteger("failureCode")).isEqualTo(409);
          assertThat(conflict.getString("type")).endsWith("/idempotency-in-progress");
          assertThat(conflict.getInteger("retryAfterSeconds")).isEqualTo(1);
          assertThat(mismatch.getInteger("failureCode")).isEqualTo(422);
          gate.complete();
          return running.get(0);
        }))
        .onComplete(test.succeeding(first -> test.verify(() -> {
          assertThat(first.body().getString("status")).isEqualTo("succeeded");
          assertThat(executions.get()).isEqualTo(1);
          test.completeNow();
        })));
  }

  /** One request runs; each of the others is told the first is still running (409) or replays its answer. */
  @ParameterizedTest
  @ValueSource(strings = {"local", "redis"})
  void concurrentRequestsWithOneKeyExecuteOnce(String backend, VertxTestContext test) {
    List<Future<Message<JsonObject>>> requests = new ArrayList<>();

    deploy(backend, false)
        .compose(id -> {
          for (int i = 0; i < 20; i++) {
            requests.add(submit("k-4", new JsonObject().put("a", 1)));
          }
          return Future.join(requests);
        })
        .otherwiseEmpty()
        .onComplete(test.succeeding(all -> test.verify(() -> {
          assertThat(executions.get()).isEqualTo(1);
          List<Message<JsonObject>> answered = requests.stream().filter(Future::succeeded).map(Future::result).toList();
          assertThat(answered).filteredOn(answer -> !replayed(answer)).as("answers of the run itself").hasSize(1);
          JsonObject run = answered.stream().filter(answer -> !replayed(answer)).findFirst().orElseThrow().body();
          assertThat(answered).allSatisfy(answer -> assertThat(answer.body()).isEqualTo(run));
          assertThat(requests).filteredOn(Future::failed).allSatisfy(refusal -> {
            JsonObject problem = WorkflowFixture.problem(refusal.cause());
            assertThat(problem.getInteger("failureCode")).isEqualTo(409);
            assertThat(problem.getString("type")).endsWith("/idempotency-in-progress");
          });
          test.completeNow();
        })));
  }

  @ParameterizedTest
  @ValueSource(strings = {"local", "redis"})
  void afterTheRetentionTheKeyStartsANewRun(String backend, VertxTestContext test) {
    deploy(backend, false)
        .compose(id -> submit("k-5", new JsonObject()))
        .compose(first -> fixture.until("retention over", () -> submit("k-5", new JsonObject())
            .map(again -> !replayed(again))))
        .onComplete(test.succeeding(v -> test.verify(() -> {
          assertThat(executions.get()).isEqualTo(2);
          test.completeNow();
        })));
  }

  @ParameterizedTest
  @ValueSource(strings = {"local", "redis"})
  void aRunAnOpenBreakerRefusedBeforeAnyCallStoresNothingAndTheKeyRunsAfterTheReset(String backend,
      VertxTestContext test) {
    JsonObject input = new JsonObject().put("a", 1);

    deployWithTheBreakerOpen(backend)
        .compose(v -> refused(submit("wide", "guarded", "k-6", input)))
        .compose(refusal -> {
          assertThat(refusal.getInteger("failureCode")).isEqualTo(502);
          assertThat(refusal.getString("detail")).contains("is open");
          assertThat(executions.get()).as("no step was called").isZero();
          vertx.eventBus().publish(Addresses.WORKFLOW_BREAKERS_RESET, new JsonObject().put("name", FRAGILE)
              .put("tenant", "wide"));
          return fixture.until("the breaker closed", () -> fragileState().map("closed"::equals));
        })
        .compose(v -> submit("wide", "guarded", "k-6", input))
        .onComplete(test.succeeding(again -> test.verify(() -> {
          assertThat(again.headers().get(Headers.IDEMPOTENT_REPLAYED)).isNull();
          assertThat(again.body().getString("status")).isEqualTo("succeeded");
          assertThat(executions.get()).isEqualTo(1);
          test.completeNow();
        })));
  }

  @ParameterizedTest
  @ValueSource(strings = {"local", "redis"})
  void aRunThatCalledAStepStoresItsFailureThoughALaterStepsBreakerWasOpen(String backend, VertxTestContext test) {
    deployWithTheBreakerOpen(backend)
        .compose(v -> refused(submit("wide", "count-then-trip", "k-7", new JsonObject())))
        .compose(first -> refused(submit("wide", "count-then-trip", "k-7", new JsonObject()))
            .map(second -> List.of(first, second)))
        .onComplete(test.succeeding(problems -> test.verify(() -> {
          JsonObject first = problems.get(0);
          JsonObject second = problems.get(1);
          assertThat(first.getInteger("failureCode")).isEqualTo(502);
          assertThat(first.getString("detail")).contains("is open");
          assertThat(second.remove("idempotentReplayed")).isEqualTo(true);
          assertThat(second).isEqualTo(first);
          assertThat(executions.get()).as("the first step ran once").isEqualTo(1);
          test.completeNow();
        })));
  }

  @ParameterizedTest
  @ValueSource(strings = {"local", "redis"})
  void aFullBulkheadStoresNothing(String backend, VertxTestContext test) {
    List<Future<Message<JsonObject>>> held = new ArrayList<>();

    deploy(backend, true)
        .compose(id -> {
          for (int i = 0; i < 4; i++) {
            held.add(submit("acme", "echo", null, new JsonObject()));
          }
          return fixture.until("two running, two queued", () -> Future.succeededFuture(executions.get() == 2
              && fixture.registry.get(MetricNames.BULKHEAD_QUEUED).tag("tenant", "acme").gauge().value() == 2));
        })
        .compose(v -> refused(submit("acme", "echo", "k-8", new JsonObject())))
        .compose(full -> {
          assertThat(full.getInteger("failureCode")).isEqualTo(429);
          assertThat(full.getString("type")).endsWith("/bulkhead-full");
          gate.complete();
          return Future.all(held);
        })
        .compose(v -> submit("acme", "echo", "k-8", new JsonObject()))
        .onComplete(test.succeeding(again -> test.verify(() -> {
          assertThat(again.headers().get(Headers.IDEMPOTENT_REPLAYED)).isNull();
          assertThat(executions.get()).isEqualTo(5);
          test.completeNow();
        })));
  }

  /** The lock script fails (a fence key that is not a number): the lock store refuses with 503, no step is called. */
  @Test
  void aRunTheLockStoreRefusedStoresNothing(VertxTestContext test) {
    JsonObject input = new JsonObject().put("orderId", "o-1");

    deploy("redis", false)
        .compose(id -> vertx.executeBlocking(() -> redis.command("SET fence:{wide}:o-1 not-a-number")))
        .compose(set -> refused(submit("wide", "locked", "k-9", input)))
        .compose(refusal -> {
          assertThat(refusal.getInteger("failureCode")).isEqualTo(503);
          assertThat(refusal.getString("type")).endsWith("/dependency-unavailable");
          assertThat(executions.get()).isZero();
          return vertx.executeBlocking(() -> redis.command("DEL lock:{wide}:o-1 fence:{wide}:o-1"));
        })
        .compose(deleted -> submit("wide", "locked", "k-9", input))
        .onComplete(test.succeeding(again -> test.verify(() -> {
          assertThat(again.headers().get(Headers.IDEMPOTENT_REPLAYED)).isNull();
          assertThat(executions.get()).isEqualTo(1);
          test.completeNow();
        })));
  }
}
