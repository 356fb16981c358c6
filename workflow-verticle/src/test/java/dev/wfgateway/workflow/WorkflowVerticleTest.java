package dev.wfgateway.workflow;

import static dev.wfgateway.workflow.WorkflowFixture.eventBusStep;
import static dev.wfgateway.workflow.WorkflowFixture.refused;
import static dev.wfgateway.workflow.WorkflowFixture.retry;
import static dev.wfgateway.workflow.WorkflowFixture.workflow;
import static org.assertj.core.api.Assertions.assertThat;

import dev.wfgateway.common.Addresses;
import dev.wfgateway.common.Headers;
import dev.wfgateway.testkit.TestVertx;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The workflow verticle deployed, driven over the event bus, with real event-bus and HTTP steps. */
@ExtendWith(VertxExtension.class)
class WorkflowVerticleTest {
  private Vertx vertx;
  private WorkflowFixture fixture;
  private HttpServer downstream;
  private final List<JsonObject> httpCalls = new CopyOnWriteArrayList<>();
  private final AtomicInteger httpStatus = new AtomicInteger(200);

  @BeforeEach
  void setUp(VertxTestContext test) {
    vertx = TestVertx.create();
    fixture = new WorkflowFixture(vertx);
    vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(body -> {
      httpCalls.add(new JsonObject().put("body", body.toJsonObject())
          .put("fencing", req.getHeader(Headers.FENCING_TOKEN)).put("requestId", req.getHeader(Headers.REQUEST_ID)));
      req.response().setStatusCode(httpStatus.get()).putHeader("content-type", "application/json")
          .end(new JsonObject().put("stored", true).encode());
    })).listen(0, "127.0.0.1").onComplete(test.succeeding(server -> {
      downstream = server;
      test.completeNow();
    }));
  }

  @AfterEach
  void tearDown() throws Exception {
    TestVertx.close(vertx);
  }

  private JsonObject httpStep(String name, Object retry) {
    return new JsonObject().put("name", name).put("retry", retry).put("http", new JsonObject()
        .put("method", "POST").put("url", "http://127.0.0.1:" + downstream.actualPort() + "/store").put("timeout", "2s"));
  }

  private JsonObject standardWorkflows() {
    return new JsonObject()
        .put("echo", workflow(eventBusStep("score", "test.score", "none"), httpStep("store", "none")))
        .put("failing", workflow(eventBusStep("boom", "test.fail", retry(3, "20ms"))))
        .put("schema", workflow(eventBusStep("score", "test.score", "none"))
            .put("inputSchema", new JsonObject().put("type", "object").put("required", new JsonArray().add("eventId"))
                .put("properties", new JsonObject().put("eventId", new JsonObject().put("type", "string")))))
        .put("slow", workflow(eventBusStep("wait", "test.slow", "none")))
        .put("timeout", workflow(eventBusStep("hang", "test.hang", "none")).put("timeout", "300ms"));
  }

  private Future<String> deployStandard() {
    return fixture.deploy(WorkflowFixture.config(standardWorkflows()), 1);
  }

  @Test
  void syncRunCallsEventBusAndHttpStepsInOrderAndAnswersTheRunRecord(VertxTestContext test) {
    List<JsonObject> scored = new CopyOnWriteArrayList<>();
    vertx.eventBus().<JsonObject>consumer("test.score", m -> {
      scored.add(m.body().copy().put("requestId", m.headers().get(Headers.REQUEST_ID)));
      m.reply(new JsonObject().put("score", 7));
    });

    deployStandard()
        .compose(id -> fixture.submit("acme", "echo", new JsonObject().put("eventId", "e1"), false))
        .compose(run -> {
          assertThat(run.getString("status")).isEqualTo("succeeded");
          assertThat(run.getJsonObject("output").getJsonObject("steps").getJsonObject("score").getInteger("score"))
              .isEqualTo(7);
          assertThat(run.getJsonObject("output").getJsonObject("result").getBoolean("stored")).isTrue();
          assertThat(run.getJsonArray("steps")).hasSize(2);
          assertThat(scored).singleElement().satisfies(call -> {
            assertThat(call.getJsonObject("input").getString("eventId")).isEqualTo("e1");
            assertThat(call.getString("requestId")).isEqualTo("req-1");
          });
          assertThat(httpCalls).singleElement().satisfies(call -> assertThat(call.getJsonObject("body")
              .getJsonObject("steps").getJsonObject("score").getInteger("score")).isEqualTo(7));
          return fixture.status("acme", run.getString("runId")).map(stored -> {
            assertThat(stored).isEqualTo(run);
            return run;
          });
        })
        .compose(run -> fixture.until("the run event", () -> Future.succeededFuture(!fixture.runEvents.isEmpty()))
            .compose(v -> refused(fixture.status("globex", run.getString("runId")))))
        .onComplete(test.succeeding(problem -> test.verify(() -> {
          assertThat(fixture.runEvents).hasSize(1);
          assertThat(problem.getInteger("failureCode")).as("another tenant's run").isEqualTo(404);
          test.completeNow();
        })));
  }

  @Test
  void failingStepIsRetriedThenDeadLetteredWith502(VertxTestContext test) {
    AtomicInteger calls = new AtomicInteger();
    List<Long> callTimes = new CopyOnWriteArrayList<>();
    vertx.eventBus().<JsonObject>consumer("test.fail", m -> {
      calls.incrementAndGet();
      callTimes.add(System.nanoTime());
      m.fail(503, "downstream unavailable");
    });

    deployStandard()
        .compose(id -> refused(fixture.submit("acme", "failing", new JsonObject(), false)))
        .compose(problem -> {
          assertThat(problem.getInteger("failureCode")).isEqualTo(502);
          assertThat(problem.getString("type")).endsWith("/run-failed");
          assertThat(problem.getString("dlqId")).isEqualTo("dlq-1");
          assertThat(calls.get()).isEqualTo(3);
          // jitter none, 20 ms then 40 ms: no attempt comes early (the exact waits: RunExecutorTest)
          assertThat((callTimes.get(1) - callTimes.get(0)) / 1_000_000).isGreaterThanOrEqualTo(18);
          assertThat((callTimes.get(2) - callTimes.get(1)) / 1_000_000).isGreaterThanOrEqualTo(38);
          assertThat(fixture.deadLetters).singleElement().satisfies(entry -> {
            assertThat(entry.getString("reason")).isEqualTo("step_failed");
            assertThat(entry.getJsonObject("error").getString("step")).isEqualTo("boom");
            assertThat(entry.getInteger("attempts")).isEqualTo(3);
            assertThat(entry.getString("source")).isEqualTo("http");
            assertThat(entry.getString("runId")).isEqualTo(problem.getString("runId"));
          });
          return fixture.status("acme", problem.getString("runId"));
        })
        .onComplete(test.succeeding(run -> test.verify(() -> {
          assertThat(run.getString("status")).isEqualTo("dead_lettered");
          assertThat(run.getString("dlqId")).isEqualTo("dlq-1");
          assertThat(run.getJsonArray("steps").getJsonObject(0).getInteger("attempts")).isEqualTo(3);
          test.completeNow();
        })));
  }

  @Test
  void transientHttpFailuresSucceedAfterRetriesWithTheConfiguredDelays(VertxTestContext test) {
    List<Long> callTimes = new CopyOnWriteArrayList<>();
    AtomicInteger failuresLeft = new AtomicInteger(3);
    vertx.createHttpServer().requestHandler(req -> {
      callTimes.add(System.nanoTime());
      int status = failuresLeft.getAndDecrement() > 0 ? (callTimes.size() == 2 ? 429 : 503) : 200;
      req.response().setStatusCode(status).end("{}");
    }).listen(0, "127.0.0.1")
        .compose(flaky -> {
          JsonObject step = new JsonObject().put("name", "store").put("retry", retry(5, "50ms"))
              .put("http", new JsonObject().put("url", "http://127.0.0.1:" + flaky.actualPort() + "/x"));
          return fixture.deploy(WorkflowFixture.config(new JsonObject().put("echo", workflow(step))), 1);
        })
        .compose(id -> fixture.submit("acme", "echo", new JsonObject(), false))
        .onComplete(test.succeeding(run -> test.verify(() -> {
          assertThat(run.getString("status")).isEqualTo("succeeded");
          assertThat(run.getJsonArray("steps").getJsonObject(0).getInteger("attempts")).isEqualTo(4);
          assertThat(callTimes).hasSize(4);
          // no jitter: at least 50 ms, 100 ms, 200 ms between the attempts (a 429 is retried like a 5xx);
          // the exact waits are asserted on a hand-driven clock in RunExecutorTest
          long[] expected = {50, 100, 200};
          for (int i = 0; i < expected.length; i++) {
            long gapMs = (callTimes.get(i + 1) - callTimes.get(i)) / 1_000_000;
            assertThat(gapMs).as("wait before attempt %d", i + 2).isGreaterThanOrEqualTo(expected[i] - 5);
          }
          test.completeNow();
        })));
  }

  @Test
  void aRunTheDlqCouldNotTakeIsHandedToItOnceItIsBack(VertxTestContext test) {
    vertx.eventBus().<JsonObject>consumer("test.fail", m -> m.fail(503, "downstream unavailable"));
    fixture.dlqAvailable.set(false);

    deployStandard()
        .compose(id -> refused(fixture.submit("acme", "failing", new JsonObject(), false)))
        .compose(problem -> {
          assertThat(problem.getInteger("failureCode")).isEqualTo(502);
          assertThat(problem.containsKey("dlqId")).isFalse();
          return fixture.status("acme", problem.getString("runId"));
        })
        .compose(failed -> {
          assertThat(failed.getString("status")).isEqualTo("failed");
          fixture.dlqAvailable.set(true);
          return fixture.awaitStatus("acme", failed.getString("runId"), "dead_lettered");
        })
        .onComplete(test.succeeding(run -> test.verify(() -> {
          assertThat(fixture.deadLetters).singleElement()
              .satisfies(entry -> assertThat(entry.getString("runId")).isEqualTo(run.getString("runId")));
          assertThat(run.getString("dlqId")).isEqualTo("dlq-1");
          test.completeNow();
        })));
  }

  @Test
  void stepClientErrorIsNotRetried(VertxTestContext test) {
    vertx.eventBus().<JsonObject>consumer("test.score", m -> m.reply(new JsonObject()));
    httpStatus.set(400);

    fixture.deploy(WorkflowFixture.config(new JsonObject()
            .put("echo", workflow(eventBusStep("score", "test.score", "none"), httpStep("store", retry(5, "10ms"))))), 1)
        .compose(id -> refused(fixture.submit("acme", "echo", new JsonObject(), false)))
        .onComplete(test.succeeding(problem -> test.verify(() -> {
          assertThat(problem.getInteger("failureCode")).isEqualTo(502);
          assertThat(httpCalls).hasSize(1);
          assertThat(fixture.deadLetters).singleElement()
              .satisfies(entry -> assertThat(entry.getJsonObject("error").getString("type")).isEqualTo("step_http_400"));
          test.completeNow();
        })));
  }

  @Test
  void inputFailingTheSchemaIsRejectedWithItsPointer(VertxTestContext test) {
    deployStandard()
        .compose(id -> refused(fixture.submit("acme", "schema", new JsonObject().put("eventId", 42), false)))
        .onComplete(test.succeeding(problem -> test.verify(() -> {
          assertThat(problem.getInteger("failureCode")).isEqualTo(400);
          assertThat(problem.getJsonArray("errors").getJsonObject(0).getString("pointer")).isEqualTo("/input/eventId");
          assertThat(fixture.deadLetters).isEmpty();
          test.completeNow();
        })));
  }

  @Test
  void unknownOrForbiddenWorkflowIsNotFound(VertxTestContext test) {
    deployStandard()
        .compose(id -> Future.all(refused(fixture.submit("acme", "nope", new JsonObject(), false)),
            refused(fixture.submit("globex", "failing", new JsonObject(), false)),
            refused(fixture.submit("nobody", "echo", new JsonObject(), false))))
        .onComplete(test.succeeding(problems -> test.verify(() -> {
          assertThat(problems.<JsonObject>list()).extracting(p -> p.getInteger("failureCode")).containsExactly(404, 404,
              404);
          test.completeNow();
        })));
  }

  @Test
  void malformedMessagesAreRejectedWith400(VertxTestContext test) {
    List<Object> bodies = List.of("not json", new JsonObject(), new JsonObject().put("tenant", "acme"),
        new JsonObject().put("tenant", "acme").put("workflow", "echo").put("input", "x"),
        new JsonObject().put("tenant", "acme").put("workflow", "echo").put("async", "yes"));

    deployStandard()
        .compose(id -> Future.all(bodies.stream()
            .map(body -> refused(vertx.eventBus().request(Addresses.WORKFLOW_SUBMIT, body))).toList()))
        .onComplete(test.succeeding(problems -> test.verify(() -> {
          for (int i = 0; i < bodies.size(); i++) {
            assertThat(problems.<JsonObject>resultAt(i).getInteger("failureCode")).as("body %s", bodies.get(i))
                .isEqualTo(400);
          }
          test.completeNow();
        })));
  }

  @Test
  void asyncRunAnswersQueuedAndCanBePolled(VertxTestContext test) {
    Promise<Void> release = Promise.promise();
    vertx.eventBus().<JsonObject>consumer("test.slow", m -> release.future().onComplete(v -> m.reply(new JsonObject())));

    deployStandard()
        .compose(id -> fixture.submit("acme", "slow", new JsonObject(), true))
        .compose(queued -> {
          assertThat(queued.getString("status")).isEqualTo("queued");
          return fixture.awaitStatus("acme", queued.getString("runId"), "running");
        })
        .compose(running -> {
          release.complete();
          return fixture.awaitStatus("acme", running.getString("runId"), "succeeded");
        })
        .onComplete(test.succeedingThenComplete());
  }

  @Test
  void runOverItsTimeoutIsDeadLetteredWith504(VertxTestContext test) {
    vertx.eventBus().<JsonObject>consumer("test.hang", m -> { });

    deployStandard()
        .compose(id -> refused(fixture.submit("acme", "timeout", new JsonObject(), false)))
        .compose(problem -> {
          assertThat(problem.getInteger("failureCode")).isEqualTo(504);
          assertThat(fixture.deadLetters).singleElement()
              .satisfies(entry -> assertThat(entry.getString("reason")).isEqualTo("timeout"));
          return fixture.status("acme", problem.getString("runId"));
        })
        .onComplete(test.succeeding(run -> test.verify(() -> {
          assertThat(run.getString("status")).isEqualTo("dead_lettered");
          test.completeNow();
        })));
  }

  /**
   * The refusal and the other tenant's run are both answered while acme's four runs are still held:
   * neither waited for a slot of acme's to free up.
   */
  @Test
  void fullBulkheadRejectsAtOnceWithoutSlowingOtherTenants(VertxTestContext test) {
    Promise<Void> release = Promise.promise();
    AtomicInteger inside = new AtomicInteger();
    vertx.eventBus().<JsonObject>consumer("test.slow", m -> {
      inside.incrementAndGet();
      release.future().onComplete(v -> m.reply(new JsonObject()));
    });
    vertx.eventBus().<JsonObject>consumer("test.score", m -> m.reply(new JsonObject()));
    List<Future<JsonObject>> runs = new ArrayList<>();

    deployStandard()
        .compose(id -> {
          for (int i = 0; i < 4; i++) {
            runs.add(fixture.submit("acme", "slow", new JsonObject(), false));
          }
          return fixture.until("two runs inside and two queued", () -> Future.succeededFuture(inside.get() == 2
              && fixture.registry.get("platform.bulkhead.queued").tag("tenant", "acme").gauge().value() == 2));
        })
        .compose(v -> refused(fixture.submit("acme", "slow", new JsonObject(), false)))
        .compose(rejected -> {
          assertThat(rejected.getInteger("failureCode")).isEqualTo(429);
          assertThat(rejected.getString("type")).endsWith("/bulkhead-full");
          assertThat(rejected.getInteger("retryAfterSeconds")).isEqualTo(1);
          return fixture.submit("globex", "echo", new JsonObject(), false);
        })
        .compose(other -> {
          assertThat(other.getString("status")).isEqualTo("succeeded");
          assertThat(runs).as("acme's runs still held").noneMatch(Future::isComplete);
          assertThat(inside.get()).isEqualTo(2);
          assertThat(fixture.registry.get("platform.bulkhead.queued").tag("tenant", "acme").gauge().value())
              .isEqualTo(2);
          release.complete();
          return Future.all(runs);
        })
        .onComplete(test.succeeding(done -> test.verify(() -> {
          assertThat(done.<JsonObject>list()).extracting(run -> run.getString("status")).containsOnly("succeeded");
          assertThat(inside.get()).isEqualTo(4);
          test.completeNow();
        })));
  }
}
