package dev.wfgateway.workflow;

import static dev.wfgateway.workflow.WorkflowFixture.eventBusStep;
import static dev.wfgateway.workflow.WorkflowFixture.retry;
import static dev.wfgateway.workflow.WorkflowFixture.workflow;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.wfgateway.common.messages.CompensationRecord;
import dev.wfgateway.common.messages.DlqEntry;
import dev.wfgateway.common.messages.DlqReason;
import dev.wfgateway.common.messages.RunRecord;
import dev.wfgateway.common.messages.RunStatus;
import dev.wfgateway.common.messages.StepRecord;
import dev.wfgateway.common.Headers;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Compensations of a failed run (DESIGN.md section 7b) on fakes and a hand-driven clock. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 10, timeUnit = TimeUnit.SECONDS)
class CompensationTest {
  private static final String RUN = "run-1";
  private static final String UNDO = ScriptedSteps.COMPENSATION;

  private EngineOnFakes node;

  private static JsonObject compensated(String name, Object retry) {
    return eventBusStep(name, "test." + name, retry)
        .put("compensate", new JsonObject().put("eventbus", new JsonObject().put("address", "test.undo-" + name)));
  }

  @BeforeEach
  void setUp(VertxTestContext test) {
    JsonObject lock = new JsonObject().put("key", "/orderId").put("ttl", "10s").put("wait", "1s");
    node = new EngineOnFakes(new JsonObject()
        .put("saga", workflow(compensated("reserve", retry(3, "100ms")), eventBusStep("plain", "test.plain", "none"),
            compensated("charge", "none"), eventBusStep("ship", "test.ship", "none")))
        .put("locked", workflow(compensated("reserve", "none"), eventBusStep("ship", "test.ship", "none"))
            .put("lock", lock)));
    node.start().onComplete(test.succeedingThenComplete());
  }

  @AfterEach
  void tearDown() throws Exception {
    node.close();
  }

  private static StepFailure declined() {
    return StepFailure.permanent("step_http_409", "step answered HTTP 409");
  }

  private DlqEntry onlyDeadLetter() {
    assertThat(node.deadLetters).hasSize(1);
    return node.deadLetters.get(0);
  }

  @Test
  void succeededStepsAreCompensatedNewestFirstWithTheFailureInTheirBody(VertxTestContext test) {
    node.steps.failWith("ship", declined());
    node.onLoop(() -> node.execute(RUN, "saga", new JsonObject().put("orderId", "o-1")))
        .onComplete(test.succeeding(outcome -> test.verify(() -> {
          assertThat(node.steps.attempts).extracting(ScriptedSteps.Attempt::step)
              .containsExactly("reserve", "plain", "charge", "ship", "charge" + UNDO, "reserve" + UNDO);
          JsonObject body = node.steps.attempts.get(4).call().payload();
          assertThat(body.getJsonObject("failure")).isEqualTo(new JsonObject().put("type", "step_http_409")
              .put("message", "step answered HTTP 409").put("step", "ship"));
          assertThat(body.getJsonObject("input").getString("orderId")).isEqualTo("o-1");
          assertThat(body.getJsonObject("steps").fieldNames()).containsExactlyInAnyOrder("reserve", "plain", "charge");
          RunRecord run = outcome.record();
          assertThat(run.status()).isEqualTo(RunStatus.DEAD_LETTERED);
          assertThat(run.compensations()).extracting(CompensationRecord::name, CompensationRecord::status)
              .containsExactly(tuple("charge", "succeeded"), tuple("reserve", "succeeded"));
          assertThat(onlyDeadLetter().compensations()).isEqualTo(run.compensations());
          test.completeNow();
        })));
  }

  @Test
  void aFailingCompensationIsRetriedByItsStepsPolicyRecordedAndTheOlderOnesStillRun(VertxTestContext test) {
    node.steps.failWith("ship", declined());
    StepFailure down = StepFailure.retryable("step_http_503", "step answered HTTP 503");
    node.steps.failWith("charge" + UNDO, down);
    node.steps.failWith("reserve" + UNDO, down, down, down);
    node.onLoop(() -> {
      Future<RunOutcome> outcome = node.execute(RUN, "saga", new JsonObject());
      node.time.advance(100);
      assertThat(node.steps.attemptsOf("reserve" + UNDO)).isEqualTo(2);
      node.time.advance(200);
      return outcome;
    }).onComplete(test.succeeding(outcome -> test.verify(() -> {
      assertThat(node.steps.attemptTimes("reserve" + UNDO)).as("reserve's retry policy").containsExactly(0L, 100L,
          300L);
      assertThat(outcome.record().compensations()).containsExactly(
          new CompensationRecord("charge", "failed", 1, "step answered HTTP 503"),
          new CompensationRecord("reserve", "failed", 3, "step answered HTTP 503"));
      test.completeNow();
    })));
  }

  @Test
  void aRunThatTimesOutCompensatesWhatHadSucceeded(VertxTestContext test) {
    node.steps.hang("charge");
    node.onLoop(() -> {
      Future<RunOutcome> outcome = node.execute(RUN, "saga", new JsonObject());
      node.time.advance(5_000);
      return outcome;
    }).onComplete(test.succeeding(outcome -> test.verify(() -> {
      assertThat(onlyDeadLetter().reason()).isEqualTo(DlqReason.TIMEOUT);
      assertThat(outcome.record().compensations()).extracting(CompensationRecord::name).containsExactly("reserve");
      assertThat(node.steps.attemptsOf("charge" + UNDO)).as("charge never answered: not compensated").isZero();
      assertThat(outcome.record().steps()).extracting(StepRecord::name, StepRecord::status).containsExactly(
          tuple("reserve", "succeeded"), tuple("plain", "succeeded"), tuple("charge", "failed"));
      assertThat(outcome.record().steps().get(2).error()).as("the record shows what the run was waiting for")
          .isEqualTo("the run did not finish within 5s (the call was still out)");
      test.completeNow();
    })));
  }

  @Test
  void aLostLockCompensatesTooAndTheCompensationCarriesTheFencingToken(VertxTestContext test) {
    Promise<JsonObject> reserve = node.steps.hang("reserve");
    node.onLoop(() -> {
      Future<RunOutcome> outcome = node.execute(RUN, "locked", new JsonObject().put("orderId", "o-1"));
      node.locks.granted.get(0).lost = true;
      reserve.complete(new JsonObject());
      return outcome;
    }).onComplete(test.succeeding(outcome -> test.verify(() -> {
      assertThat(onlyDeadLetter().reason()).isEqualTo(DlqReason.LOCK_LOST);
      assertThat(node.steps.attempts).extracting(ScriptedSteps.Attempt::step).containsExactly("reserve",
          "reserve" + UNDO);
      assertThat(node.steps.attempts.get(1).call().headers().get(Headers.FENCING_TOKEN))
          .isEqualTo(String.valueOf(node.locks.granted.get(0).fencingToken()));
      assertThat(outcome.record().compensations()).extracting(CompensationRecord::name).containsExactly("reserve");
      test.completeNow();
    })));
  }

  @Test
  void aStepWithACompensationIsStoredWithItsOutputBeforeTheNextStepStarts(VertxTestContext test) {
    node.steps.hang("reserve").complete(new JsonObject().put("hold", "h-9"));
    node.steps.failWith("ship", declined());
    node.onLoop(() -> node.execute(RUN, "saga", new JsonObject())).onComplete(test.succeeding(outcome -> test.verify(() -> {
      RunRecord stored = node.store.writes.stream()
          .filter(r -> r.status() == RunStatus.RUNNING && !r.steps().isEmpty()).findFirst().orElseThrow();
      assertThat(stored.steps()).singleElement().satisfies(step -> {
        assertThat(step.name()).isEqualTo("reserve");
        assertThat(step.output()).isEqualTo(new JsonObject().put("hold", "h-9"));
      });
      assertThat(outcome.record().steps()).filteredOn(s -> s.name().equals("plain"))
          .extracting(StepRecord::output).containsOnlyNulls();
      test.completeNow();
    })));
  }

  @Test
  void aRunTakenOverAfterItsNodeWasLostIsCompensatedFromItsRecord(VertxTestContext test) {
    RunRecord recorded = RunRecord.queued(RUN, "acme", "saga", "v1", new JsonObject(), ManualTime.START.toString())
        .started(ManualTime.START.toString(), 1, null)
        .withStep(new StepRecord("reserve", null, "succeeded", 1, 4, null, new JsonObject().put("hold", "h-1")))
        .withStep(new StepRecord("plain", null, "succeeded", 1, 4, null, null));
    node.onLoop(() -> node.executor.abandon(node.contextOf(EngineOnFakes.request("acme", "saga", new JsonObject(),
        false), null), recorded, "node n-2 left the cluster")).onComplete(test.succeeding(outcome -> test.verify(() -> {
          assertThat(node.steps.attempts).extracting(ScriptedSteps.Attempt::step).containsExactly("reserve" + UNDO);
          assertThat(node.steps.attempts.get(0).call().payload().getJsonObject("steps"))
              .isEqualTo(new JsonObject().put("reserve", new JsonObject().put("hold", "h-1")));
          assertThat(onlyDeadLetter().error().type()).isEqualTo("node_lost");
          assertThat(outcome.record().compensations()).extracting(CompensationRecord::status).containsExactly("succeeded");
          test.completeNow();
        })));
  }
}
