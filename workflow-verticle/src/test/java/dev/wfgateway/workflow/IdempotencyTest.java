package dev.wfgateway.workflow;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wfgateway.common.Addresses;
import dev.wfgateway.common.Headers;
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
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.AfterEach;
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
    JsonObject config = WorkflowFixture.config(new JsonObject()
        .put("echo", WorkflowFixture.workflow(WorkflowFixture.eventBusStep("count", "test.count", "none"))));
    config.getJsonObject("runs").put("idempotencyRetention", "700ms");
    if (backend.equals("redis")) {
      redis.command("FLUSHALL");
      config.put("redis", new JsonObject().put("url", redis.url()).put("commandTimeout", "2s"));
    }
    fixture.deploy(config, 1);
  }

  private Future<Message<JsonObject>> submit(String key, JsonObject input) {
    SubmitRunRequest request = new SubmitRunRequest("wide", "echo", input, key, false, null, RunSource.EVENTBUS, 0);
    return vertx.eventBus().request(Addresses.WORKFLOW_SUBMIT, request.toJson(),
        new DeliveryOptions().setSendTimeout(10_000));
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
}
