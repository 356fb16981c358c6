package dev.wfgateway.workflow;

import static dev.wfgateway.workflow.WorkflowFixture.eventBusStep;
import static dev.wfgateway.workflow.WorkflowFixture.workflow;
import static org.assertj.core.api.Assertions.assertThat;

import dev.wfgateway.common.journal.JsonLinesJournal;
import dev.wfgateway.common.messages.RunRecord;
import dev.wfgateway.common.messages.RunSource;
import dev.wfgateway.common.messages.StepRecord;
import dev.wfgateway.common.messages.SubmitRunRequest;
import dev.wfgateway.testkit.TestVertx;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A workflow verticle started on the run journal a crashed process left: a run still queued is
 * started again, a running one is dead-lettered ({@code node_lost}), a finished one is left alone.
 */
@ExtendWith(VertxExtension.class)
class RunRecoveryTest {
  private static final Duration HOUR = Duration.ofHours(1);
  private static final String AT = "2026-01-01T00:00:00Z";

  private Vertx vertx;
  private WorkflowFixture fixture;
  private JsonObject config;
  private final List<JsonObject> stepCalls = new CopyOnWriteArrayList<>();

  @BeforeEach
  void setUp() {
    config = WorkflowFixture.config(new JsonObject().put("echo", workflow(eventBusStep("score", "test.score", "none"))));
    startProcess();
  }

  /** A fresh Vert.x, as a restarted process has: nothing in shared data, only the journal on disk. */
  private void startProcess() {
    vertx = TestVertx.create();
    fixture = new WorkflowFixture(vertx);
    vertx.eventBus().<JsonObject>consumer("test.score", m -> {
      stepCalls.add(m.body());
      m.reply(new JsonObject().put("score", 7));
    });
  }

  @AfterEach
  void tearDown() throws Exception {
    TestVertx.close(vertx);
  }

  private static RunRecord queued(String runId) {
    return RunRecord.queued(runId, "acme", "echo", null, new JsonObject().put("id", runId), AT);
  }

  private static SubmitRunRequest request(String runId) {
    return new SubmitRunRequest("acme", "echo", new JsonObject().put("id", runId), null, false, "req-" + runId,
        RunSource.HTTP, 1);
  }

  /** Writes, on one event loop as the verticle would, what a process that was killed would have left in its journal. */
  private Future<Void> journalOfACrashedProcess() {
    RunJournal crashed = new RunJournal(new JsonLinesJournal(vertx,
        Path.of(config.getJsonObject("runs").getString("journalDir"))), Clock.systemUTC());
    RunRecord running = queued("was-running").started(AT, 1, null)
        .withStep(new StepRecord("score", null, "succeeded", 1, 3, null, null));
    return WorkflowFixture.onContext(vertx.getOrCreateContext(), () -> Future.all(List.of(
            crashed.append(queued("was-queued").toJson().encode(), request("was-queued"), HOUR),
            crashed.append(queued("was-running").toJson().encode(), request("was-running"), HOUR),
            crashed.append(running.toJson().encode(), null, HOUR),
            crashed.append(queued("was-finished").toJson().encode(), request("was-finished"), HOUR),
            crashed.append(finished().toJson().encode(), null, HOUR)))
        .compose(v -> crashed.close()));
  }

  private static RunRecord finished() {
    return queued("was-finished").started(AT, 1, null).succeeded(new JsonObject().put("done", 1), AT);
  }

  @Test
  void restartsQueuedRunsDeadLettersRunningOnesAndLeavesFinishedOnesAlone(VertxTestContext test) {
    journalOfACrashedProcess()
        .compose(v -> fixture.deploy(config, 1))
        .compose(id -> fixture.awaitStatus("acme", "was-queued", "succeeded"))
        .compose(restarted -> {
          assertThat(restarted.getJsonObject("input")).isEqualTo(new JsonObject().put("id", "was-queued"));
          return fixture.awaitStatus("acme", "was-running", "dead_lettered");
        })
        .compose(deadLettered -> {
          assertThat(deadLettered.getJsonObject("error").getString("type")).isEqualTo("node_lost");
          assertThat(deadLettered.getString("dlqId")).isEqualTo("dlq-1");
          assertThat(fixture.deadLetters).singleElement().satisfies(entry -> {
            assertThat(entry.getString("runId")).isEqualTo("was-running");
            assertThat(entry.getJsonObject("error").getString("type")).isEqualTo("node_lost");
            assertThat(entry.getJsonObject("error").getString("message")).startsWith("this node stopped while running");
            assertThat(entry.getJsonObject("error").getString("step")).isEqualTo("score");
            assertThat(entry.getString("source")).isEqualTo("http");
            assertThat(entry.getString("requestId")).isEqualTo("req-was-running");
            assertThat(entry.getInteger("redriveCount")).isEqualTo(1);
          });
          return fixture.status("acme", "was-finished");
        })
        .compose(untouched -> {
          assertThat(untouched).isEqualTo(finished().toJson());
          assertThat(stepCalls).extracting(call -> call.getJsonObject("input").getString("id"))
              .containsExactly("was-queued");
          // What recovery did is journaled too: a second restart finds every run finished and repeats nothing.
          return vertx.close();
        })
        .compose(v -> {
          TestVertx.assertNoBlockedThreads();
          startProcess();
          return fixture.deploy(config, 1);
        })
        .compose(id -> Future.all(fixture.status("acme", "was-queued"), fixture.status("acme", "was-running")))
        .onComplete(test.succeeding(after -> test.verify(() -> {
          assertThat(after.<JsonObject>resultAt(0).getString("status")).isEqualTo("succeeded");
          assertThat(after.<JsonObject>resultAt(1).getString("status")).isEqualTo("dead_lettered");
          assertThat(fixture.deadLetters).isEmpty();
          assertThat(stepCalls).hasSize(1);
          test.completeNow();
        })));
  }
}
