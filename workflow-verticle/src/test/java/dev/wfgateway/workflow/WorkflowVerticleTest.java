package dev.wfgateway.workflow;

import static dev.wfgateway.workflow.WorkflowFixture.eventBusStep;
import static dev.wfgateway.workflow.WorkflowFixture.problem;
import static dev.wfgateway.workflow.WorkflowFixture.retry;
import static dev.wfgateway.workflow.WorkflowFixture.workflow;
import static org.assertj.core.api.Assertions.assertThat;

import dev.wfgateway.common.Addresses;
import dev.wfgateway.common.Headers;
import dev.wfgateway.testkit.Await;
import dev.wfgateway.testkit.TestVertx;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class WorkflowVerticleTest {
  private Vertx vertx;
  private WorkflowFixture fixture;
  private HttpServer downstream;
  private final List<JsonObject> httpCalls = new CopyOnWriteArrayList<>();
  private final AtomicInteger httpStatus = new AtomicInteger(200);

  @BeforeEach
  void setUp() {
    vertx = TestVertx.create();
    fixture = new WorkflowFixture(vertx);
    downstream = Await.result(vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(body -> {
      httpCalls.add(new JsonObject().put("body", body.toJsonObject())
          .put("fencing", req.getHeader(Headers.FENCING_TOKEN)).put("requestId", req.getHeader(Headers.REQUEST_ID)));
      req.response().setStatusCode(httpStatus.get()).putHeader("content-type", "application/json")
          .end(new JsonObject().put("stored", true).encode());
    })).listen(0, "127.0.0.1"));
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

  @Test
  void syncRunCallsEventBusAndHttpStepsInOrderAndAnswersTheRunRecord() {
    List<JsonObject> scored = new CopyOnWriteArrayList<>();
    vertx.eventBus().<JsonObject>consumer("test.score", m -> {
      scored.add(m.body().copy().put("requestId", m.headers().get(Headers.REQUEST_ID)));
      m.reply(new JsonObject().put("score", 7));
    });
    fixture.deploy(WorkflowFixture.config(standardWorkflows()), 1);

    JsonObject run = Await.result(fixture.submit("acme", "echo", new JsonObject().put("eventId", "e1"), false));

    assertThat(run.getString("status")).isEqualTo("succeeded");
    assertThat(run.getJsonObject("output").getJsonObject("steps").getJsonObject("score").getInteger("score")).isEqualTo(7);
    assertThat(run.getJsonObject("output").getJsonObject("result").getBoolean("stored")).isTrue();
    assertThat(run.getJsonArray("steps")).hasSize(2);
    assertThat(scored.get(0).getJsonObject("input").getString("eventId")).isEqualTo("e1");
    assertThat(scored.get(0).getString("requestId")).isEqualTo("req-1");
    assertThat(httpCalls.get(0).getJsonObject("body").getJsonObject("steps").getJsonObject("score").getInteger("score"))
        .isEqualTo(7);
    JsonObject stored = Await.result(fixture.status("acme", run.getString("runId")));
    assertThat(stored).isEqualTo(run);
    Await.until("run event", Duration.ofSeconds(5), () -> fixture.runEvents.size() == 1);
    assertThat(Await.failure(fixture.status("globex", run.getString("runId")))).satisfies(
        e -> assertThat(problem(e).getInteger("failureCode")).isEqualTo(404));
  }

  @Test
  void failingStepIsRetriedThenDeadLetteredWith502() {
    AtomicInteger calls = new AtomicInteger();
    List<Long> callTimes = new CopyOnWriteArrayList<>();
    vertx.eventBus().<JsonObject>consumer("test.fail", m -> {
      calls.incrementAndGet();
      callTimes.add(System.nanoTime());
      m.fail(503, "downstream unavailable");
    });
    fixture.deploy(WorkflowFixture.config(standardWorkflows()), 1);

    JsonObject problem = problem(Await.failure(fixture.submit("acme", "failing", new JsonObject(), false)));

    assertThat(problem.getInteger("failureCode")).isEqualTo(502);
    assertThat(problem.getString("type")).endsWith("/run-failed");
    assertThat(problem.getString("dlqId")).isEqualTo("dlq-1");
    assertThat(calls.get()).isEqualTo(3);
    // jitter none, 20 ms then 40 ms
    assertThat((callTimes.get(1) - callTimes.get(0)) / 1_000_000).isGreaterThanOrEqualTo(18);
    assertThat((callTimes.get(2) - callTimes.get(1)) / 1_000_000).isGreaterThanOrEqualTo(38);
    JsonObject entry = fixture.deadLetters.get(0);
    assertThat(entry.getString("reason")).isEqualTo("step_failed");
    assertThat(entry.getJsonObject("error").getString("step")).isEqualTo("boom");
    assertThat(entry.getInteger("attempts")).isEqualTo(3);
    assertThat(entry.getString("source")).isEqualTo("http");
    assertThat(entry.getString("runId")).isEqualTo(problem.getString("runId"));
    JsonObject run = Await.result(fixture.status("acme", problem.getString("runId")));
    assertThat(run.getString("status")).isEqualTo("dead_lettered");
    assertThat(run.getString("dlqId")).isEqualTo("dlq-1");
    assertThat(run.getJsonArray("steps").getJsonObject(0).getInteger("attempts")).isEqualTo(3);
  }

  @Test
  void transientHttpFailuresSucceedAfterRetriesWithTheConfiguredDelays() {
    List<Long> callTimes = new CopyOnWriteArrayList<>();
    AtomicInteger failuresLeft = new AtomicInteger(3);
    HttpServer flaky = Await.result(vertx.createHttpServer().requestHandler(req -> {
      callTimes.add(System.nanoTime());
      int status = failuresLeft.getAndDecrement() > 0 ? (callTimes.size() == 2 ? 429 : 503) : 200;
      req.response().setStatusCode(status).end("{}");
    }).listen(0, "127.0.0.1"));
    JsonObject step = new JsonObject().put("name", "store").put("retry", retry(5, "50ms"))
        .put("http", new JsonObject().put("url", "http://127.0.0.1:" + flaky.actualPort() + "/x"));
    fixture.deploy(WorkflowFixture.config(new JsonObject().put("echo", workflow(step))), 1);

    JsonObject run = Await.result(fixture.submit("acme", "echo", new JsonObject(), false));

    assertThat(run.getString("status")).isEqualTo("succeeded");
    assertThat(run.getJsonArray("steps").getJsonObject(0).getInteger("attempts")).isEqualTo(4);
    // no jitter: 50 ms, 100 ms, 200 ms between the attempts (a 429 is retried like a 5xx)
    long[] expected = {50, 100, 200};
    for (int i = 0; i < expected.length; i++) {
      long gapMs = (callTimes.get(i + 1) - callTimes.get(i)) / 1_000_000;
      assertThat(gapMs).as("wait before attempt %d", i + 2).isBetween(expected[i] - 5, expected[i] + 150);
    }
  }

  @Test
  void aRunTheDlqCouldNotTakeIsHandedToItOnceItIsBack() {
    vertx.eventBus().<JsonObject>consumer("test.fail", m -> m.fail(503, "downstream unavailable"));
    fixture.deploy(WorkflowFixture.config(standardWorkflows()), 1);
    fixture.dlqAvailable.set(false);

    JsonObject problem = problem(Await.failure(fixture.submit("acme", "failing", new JsonObject(), false)));

    assertThat(problem.getInteger("failureCode")).isEqualTo(502);
    assertThat(problem.containsKey("dlqId")).isFalse();
    String runId = problem.getString("runId");
    assertThat(Await.result(fixture.status("acme", runId)).getString("status")).isEqualTo("failed");

    fixture.dlqAvailable.set(true);
    Await.until("the run reached the DLQ", Duration.ofSeconds(10),
        () -> "dead_lettered".equals(Await.result(fixture.status("acme", runId)).getString("status")));
    assertThat(fixture.deadLetters).hasSize(1);
    assertThat(fixture.deadLetters.get(0).getString("runId")).isEqualTo(runId);
    assertThat(Await.result(fixture.status("acme", runId)).getString("dlqId")).isEqualTo("dlq-1");
  }

  @Test
  void stepClientErrorIsNotRetried() {
    vertx.eventBus().<JsonObject>consumer("test.score", m -> m.reply(new JsonObject()));
    httpStatus.set(400);
    fixture.deploy(WorkflowFixture.config(new JsonObject()
        .put("echo", workflow(eventBusStep("score", "test.score", "none"), httpStep("store", retry(5, "10ms"))))), 1);

    JsonObject problem = problem(Await.failure(fixture.submit("acme", "echo", new JsonObject(), false)));

    assertThat(problem.getInteger("failureCode")).isEqualTo(502);
    assertThat(httpCalls).hasSize(1);
    assertThat(fixture.deadLetters.get(0).getJsonObject("error").getString("type")).isEqualTo("step_http_400");
  }

  @Test
  void inputFailingTheSchemaIsRejectedWithItsPointer() {
    fixture.deploy(WorkflowFixture.config(standardWorkflows()), 1);

    JsonObject problem = problem(Await.failure(fixture.submit("acme", "schema",
        new JsonObject().put("eventId", 42), false)));

    assertThat(problem.getInteger("failureCode")).isEqualTo(400);
    assertThat(problem.getJsonArray("errors").getJsonObject(0).getString("pointer")).isEqualTo("/input/eventId");
    assertThat(fixture.deadLetters).isEmpty();
  }

  @Test
  void unknownOrForbiddenWorkflowIsNotFound() {
    fixture.deploy(WorkflowFixture.config(standardWorkflows()), 1);

    assertThat(problem(Await.failure(fixture.submit("acme", "nope", new JsonObject(), false)))
        .getInteger("failureCode")).isEqualTo(404);
    assertThat(problem(Await.failure(fixture.submit("globex", "failing", new JsonObject(), false)))
        .getInteger("failureCode")).isEqualTo(404);
    assertThat(problem(Await.failure(fixture.submit("nobody", "echo", new JsonObject(), false)))
        .getInteger("failureCode")).isEqualTo(404);
  }

  @Test
  void malformedMessagesAreRejectedWith400() {
    fixture.deploy(WorkflowFixture.config(standardWorkflows()), 1);

    for (Object body : List.of("not json", new JsonObject(), new JsonObject().put("tenant", "acme"),
        new JsonObject().put("tenant", "acme").put("workflow", "echo").put("input", "x"),
        new JsonObject().put("tenant", "acme").put("workflow", "echo").put("async", "yes"))) {
      Throwable failure = Await.failure(vertx.eventBus().request(Addresses.WORKFLOW_SUBMIT, body));
      assertThat(problem(failure).getInteger("failureCode")).as("body %s", body).isEqualTo(400);
    }
  }

  @Test
  void asyncRunAnswersQueuedAndCanBePolled() {
    Promise<Void> release = Promise.promise();
    vertx.eventBus().<JsonObject>consumer("test.slow", m -> release.future().onComplete(v -> m.reply(new JsonObject())));
    fixture.deploy(WorkflowFixture.config(standardWorkflows()), 1);

    JsonObject queued = Await.result(fixture.submit("acme", "slow", new JsonObject(), true));

    assertThat(queued.getString("status")).isEqualTo("queued");
    String runId = queued.getString("runId");
    Await.until("run is running", Duration.ofSeconds(5),
        () -> "running".equals(Await.result(fixture.status("acme", runId)).getString("status")));
    vertx.runOnContext(v -> release.complete());
    Await.until("run succeeded", Duration.ofSeconds(5),
        () -> "succeeded".equals(Await.result(fixture.status("acme", runId)).getString("status")));
  }

  @Test
  void runOverItsTimeoutIsDeadLetteredWith504() {
    vertx.eventBus().<JsonObject>consumer("test.hang", m -> { });
    fixture.deploy(WorkflowFixture.config(standardWorkflows()), 1);

    JsonObject problem = problem(Await.failure(fixture.submit("acme", "timeout", new JsonObject(), false)));

    assertThat(problem.getInteger("failureCode")).isEqualTo(504);
    assertThat(fixture.deadLetters.get(0).getString("reason")).isEqualTo("timeout");
    assertThat(Await.result(fixture.status("acme", problem.getString("runId"))).getString("status"))
        .isEqualTo("dead_lettered");
  }

  @Test
  void fullBulkheadRejectsAtOnceWithoutSlowingOtherTenants() {
    Promise<Void> release = Promise.promise();
    AtomicInteger inside = new AtomicInteger();
    vertx.eventBus().<JsonObject>consumer("test.slow", m -> {
      inside.incrementAndGet();
      release.future().onComplete(v -> m.reply(new JsonObject()));
    });
    vertx.eventBus().<JsonObject>consumer("test.score", m -> m.reply(new JsonObject()));
    fixture.deploy(WorkflowFixture.config(standardWorkflows()), 1);

    List<Future<JsonObject>> runs = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      runs.add(fixture.submit("acme", "slow", new JsonObject(), false));
    }
    Await.until("two runs inside", Duration.ofSeconds(5), () -> inside.get() == 2);
    long start = System.nanoTime();
    JsonObject rejected = problem(Await.failure(fixture.submit("acme", "slow", new JsonObject(), false)));
    long rejectMillis = (System.nanoTime() - start) / 1_000_000;
    assertThat(rejected.getInteger("failureCode")).isEqualTo(429);
    assertThat(rejected.getString("type")).endsWith("/bulkhead-full");
    assertThat(rejected.getInteger("retryAfterSeconds")).isEqualTo(1);
    assertThat(rejectMillis).isLessThan(1_000);

    long otherStart = System.nanoTime();
    assertThat(Await.result(fixture.submit("globex", "echo", new JsonObject(), false)).getString("status"))
        .isIn("succeeded", "dead_lettered");
    assertThat((System.nanoTime() - otherStart) / 1_000_000).isLessThan(2_000);
    assertThat(inside.get()).isEqualTo(2);
    assertThat(fixture.registry.get("platform.bulkhead.queued").tag("tenant", "acme").gauge().value()).isEqualTo(2);

    vertx.runOnContext(v -> release.complete());
    for (Future<JsonObject> run : runs) {
      assertThat(Await.result(run).getString("status")).isEqualTo("succeeded");
    }
    assertThat(inside.get()).isEqualTo(4);
  }
}
