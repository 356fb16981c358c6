package dev.wfgateway.workflow;

import static dev.wfgateway.workflow.WorkflowFixture.eventBusStep;
import static dev.wfgateway.workflow.WorkflowFixture.workflow;
import static org.assertj.core.api.Assertions.assertThat;

import dev.wfgateway.common.Addresses;
import dev.wfgateway.common.Headers;
import dev.wfgateway.common.messages.RunSource;
import dev.wfgateway.common.messages.SubmitRunRequest;
import dev.wfgateway.testkit.Await;
import dev.wfgateway.testkit.TestVertx;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A gateway resends a submit whose node left the cluster before answering ({@code x-resent-from}):
 * it starts the run only if the first node never recorded it, so no run is started twice.
 */
class ResentSubmitTest {
  private Vertx vertx;
  private WorkflowFixture fixture;
  private final AtomicInteger calls = new AtomicInteger();
  private final Promise<Void> release = Promise.promise();

  @BeforeEach
  void setUp() {
    vertx = TestVertx.create();
    fixture = new WorkflowFixture(vertx);
    vertx.eventBus().<JsonObject>consumer("test.step", m -> {
      calls.incrementAndGet();
      release.future().onComplete(v -> m.reply(new JsonObject().put("done", true)));
    });
    fixture.deploy(WorkflowFixture.config(new JsonObject().put("echo", workflow(eventBusStep("step", "test.step", "none")))),
        1);
  }

  @AfterEach
  void tearDown() throws Exception {
    TestVertx.close(vertx);
  }

  private Future<Message<JsonObject>> submit(String runId, boolean async, String resentFrom) {
    DeliveryOptions options = new DeliveryOptions().setSendTimeout(10_000).addHeader(Headers.RUN_ID, runId);
    if (resentFrom != null) {
      options.addHeader(Headers.RESENT, resentFrom);
    }
    SubmitRunRequest request = new SubmitRunRequest("wide", "echo", new JsonObject(), null, async, "req", RunSource.HTTP, 0);
    return vertx.eventBus().request(Addresses.WORKFLOW_SUBMIT, request.toJson(), options);
  }

  @Test
  void aResentSubmitThatNoNodeRecordedRunsOnce() {
    vertx.runOnContext(v -> release.complete());
    String runId = UUID.randomUUID().toString();

    JsonObject run = Await.result(submit(runId, false, "node-gone")).body();

    assertThat(run.getString("runId")).isEqualTo(runId);
    assertThat(run.getString("status")).isEqualTo("succeeded");
    assertThat(calls.get()).isEqualTo(1);
  }

  @Test
  void aResentAsyncSubmitOfARecordedRunAnswersItsRecordAndStartsNothing() {
    String runId = UUID.randomUUID().toString();
    assertThat(Await.result(submit(runId, true, null)).body().getString("status")).isEqualTo("queued");
    Await.until("the first run called its step", Duration.ofSeconds(5), () -> calls.get() == 1);

    JsonObject again = Await.result(submit(runId, true, "node-gone")).body();

    assertThat(again.getString("runId")).isEqualTo(runId);
    assertThat(again.getString("status")).isIn("queued", "running");
    vertx.runOnContext(v -> release.complete());
    Await.until("the run ended", Duration.ofSeconds(5),
        () -> "succeeded".equals(Await.result(fixture.status("wide", runId)).getString("status")));
    assertThat(calls.get()).as("step calls").isEqualTo(1);
  }

  @Test
  void aResentSyncSubmitOfARecordedRunIsA503NamingTheRun() {
    String runId = UUID.randomUUID().toString();
    assertThat(Await.result(submit(runId, true, null)).body().getString("status")).isEqualTo("queued");
    Await.until("the first run called its step", Duration.ofSeconds(5), () -> calls.get() == 1);

    JsonObject problem = WorkflowFixture.problem(Await.failure(submit(runId, false, "node-gone")));

    assertThat(problem.getInteger("failureCode")).isEqualTo(503);
    assertThat(problem.getString("runId")).isEqualTo(runId);
    assertThat(problem.getString("detail")).contains("left the cluster");
    vertx.runOnContext(v -> release.complete());
    assertThat(calls.get()).isEqualTo(1);
  }
}
