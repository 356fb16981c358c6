package dev.wfgateway.workflow;

import static dev.wfgateway.workflow.WorkflowFixture.eventBusStep;
import static dev.wfgateway.workflow.WorkflowFixture.workflow;
import static org.assertj.core.api.Assertions.assertThat;

import dev.wfgateway.common.Addresses;
import dev.wfgateway.common.Headers;
import dev.wfgateway.common.messages.RunSource;
import dev.wfgateway.common.messages.SubmitRunRequest;
import dev.wfgateway.testkit.TestVertx;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A gateway resends a submit whose node left the cluster before answering ({@code x-resent-from}):
 * it starts the run only if the first node never recorded it, so no run is started twice.
 */
@ExtendWith(VertxExtension.class)
class ResentSubmitTest {
  private Vertx vertx;
  private WorkflowFixture fixture;
  private final AtomicInteger calls = new AtomicInteger();
  private final Promise<Void> release = Promise.promise();

  @BeforeEach
  void setUp(VertxTestContext test) {
    vertx = TestVertx.create();
    fixture = new WorkflowFixture(vertx);
    vertx.eventBus().<JsonObject>consumer("test.step", m -> {
      calls.incrementAndGet();
      release.future().onComplete(v -> m.reply(new JsonObject().put("done", true)));
    });
    fixture.deploy(WorkflowFixture.config(new JsonObject().put("echo", workflow(eventBusStep("step", "test.step",
        "none")))), 1).onComplete(test.succeedingThenComplete());
  }

  @AfterEach
  void tearDown() throws Exception {
    TestVertx.close(vertx);
  }

  private Future<JsonObject> submit(String runId, boolean async, String resentFrom) {
    DeliveryOptions options = new DeliveryOptions().setSendTimeout(10_000).addHeader(Headers.RUN_ID, runId);
    if (resentFrom != null) {
      options.addHeader(Headers.RESENT, resentFrom);
    }
    SubmitRunRequest request = new SubmitRunRequest("wide", "echo", new JsonObject(), null, async, "req",
        RunSource.HTTP, 0);
    return vertx.eventBus().<JsonObject>request(Addresses.WORKFLOW_SUBMIT, request.toJson(), options)
        .map(reply -> reply.body());
  }

  /** Submits a run async and waits until it is inside its step, which answers only on {@link #release}. */
  private Future<String> aRunInsideItsStep() {
    String runId = UUID.randomUUID().toString();
    return submit(runId, true, null).compose(queued -> {
      assertThat(queued.getString("status")).isEqualTo("queued");
      return fixture.until("the first run called its step", () -> Future.succeededFuture(calls.get() == 1));
    }).map(runId);
  }

  @Test
  void aResentSubmitThatNoNodeRecordedRunsOnce(VertxTestContext test) {
    release.complete();
    String runId = UUID.randomUUID().toString();

    submit(runId, false, "node-gone").onComplete(test.succeeding(run -> test.verify(() -> {
      assertThat(run.getString("runId")).isEqualTo(runId);
      assertThat(run.getString("status")).isEqualTo("succeeded");
      assertThat(calls.get()).isEqualTo(1);
      test.completeNow();
    })));
  }

  @Test
  void aResentAsyncSubmitOfARecordedRunAnswersItsRecordAndStartsNothing(VertxTestContext test) {
    aRunInsideItsStep()
        .compose(runId -> submit(runId, true, "node-gone").map(again -> {
          assertThat(again.getString("runId")).isEqualTo(runId);
          assertThat(again.getString("status")).as("the record as it is while its step runs").isEqualTo("running");
          release.complete();
          return runId;
        }))
        .compose(runId -> fixture.awaitStatus("wide", runId, "succeeded"))
        .onComplete(test.succeeding(run -> test.verify(() -> {
          assertThat(calls.get()).as("step calls").isEqualTo(1);
          test.completeNow();
        })));
  }

  @Test
  void aResentSyncSubmitOfARecordedRunIsA503NamingTheRun(VertxTestContext test) {
    aRunInsideItsStep()
        .compose(runId -> WorkflowFixture.refused(submit(runId, false, "node-gone")).map(problem -> {
          assertThat(problem.getInteger("failureCode")).isEqualTo(503);
          assertThat(problem.getString("runId")).isEqualTo(runId);
          assertThat(problem.getString("detail")).contains("left the cluster");
          release.complete();
          return runId;
        }))
        .compose(runId -> fixture.awaitStatus("wide", runId, "succeeded"))
        .onComplete(test.succeeding(run -> test.verify(() -> {
          assertThat(calls.get()).as("the resent submit started nothing").isEqualTo(1);
          test.completeNow();
        })));
  }
}
