package dev.wfgateway.workflow;

import static dev.wfgateway.workflow.WorkflowFixture.eventBusStep;
import static dev.wfgateway.workflow.WorkflowFixture.workflow;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.wfgateway.common.messages.RunRecord;
import dev.wfgateway.common.messages.RunStatus;
import dev.wfgateway.common.messages.StepRecord;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The walk over a run's steps (DESIGN.md section 7b) on fakes and a hand-driven clock. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 10, timeUnit = TimeUnit.SECONDS)
class StepWalkTest {
  private static final String RUN = "run-1";

  private EngineOnFakes node;

  private static JsonObject step(String name) {
    return eventBusStep(name, "test." + name, "none");
  }

  private static JsonObject group(String name, JsonObject... branches) {
    return new JsonObject().put("name", name).put("parallel", new JsonArray(List.of((Object[]) branches)));
  }

  @BeforeEach
  void setUp(VertxTestContext test) {
    node = new EngineOnFakes(new JsonObject()
        .put("fan", workflow(step("first"), group("checks", step("fraud"), step("credit")), step("last")))
        .put("gated", workflow(step("first"),
            step("bonus").put("when", new JsonObject().put("pointer", "/input/tier").put("equals", "gold")),
            step("audit").put("when", new JsonObject().put("pointer", "/steps/first/flag").put("exists", true))))
        .put("mapped", workflow(step("first"), step("notify").put("input", new JsonObject()
            .put("orderId", "/input/orderId")
            .put("from", "/steps/first/from")
            .put("channel", new JsonObject().put("pointer", "/input/channel").put("default", "email"))))));
    node.start().onComplete(test.succeedingThenComplete());
  }

  @AfterEach
  void tearDown() throws Exception {
    node.close();
  }

  private JsonObject payloadOf(String step) {
    return node.steps.attempts.stream().filter(a -> a.step().equals(step)).findFirst().orElseThrow().call().payload();
  }

  @Test
  void branchesStartTogetherAndTheNextStepWaitsForAllOfThem(VertxTestContext test) {
    Promise<JsonObject> fraud = node.steps.hang("fraud");
    Promise<JsonObject> credit = node.steps.hang("credit");
    node.onLoop(() -> {
      Future<RunOutcome> outcome = node.execute(RUN, "fan", new JsonObject());
      assertThat(node.steps.attempts).extracting(ScriptedSteps.Attempt::step).containsExactly("first", "fraud",
          "credit");
      node.time.advance(40);
      credit.complete(new JsonObject().put("limit", 500));
      assertThat(node.steps.attemptsOf("last")).as("last waits for fraud").isZero();
      node.time.advance(10);
      fraud.complete(new JsonObject().put("score", 7));
      return outcome;
    }).onComplete(test.succeeding(outcome -> test.verify(() -> {
      RunRecord run = outcome.record();
      assertThat(run.status()).isEqualTo(RunStatus.SUCCEEDED);
      assertThat(run.definitionVersion()).isEqualTo("v1");
      assertThat(run.steps()).extracting(StepRecord::name).containsExactly("first", "credit", "fraud", "last");
      assertThat(run.steps()).extracting(StepRecord::group).containsExactly(null, "checks", "checks", null);
      assertThat(payloadOf("fraud").getJsonObject("steps").fieldNames()).as("a branch sees what ran before the group")
          .containsExactly("first");
      assertThat(payloadOf("last").getJsonObject("steps").getJsonObject("fraud").getInteger("score")).isEqualTo(7);
      assertThat(run.output().getJsonObject("steps").getJsonObject("credit").getInteger("limit")).isEqualTo(500);
      test.completeNow();
    })));
  }

  @Test
  void aBranchThatFailsCancelsTheUnfinishedOnesAndFailsTheRun(VertxTestContext test) {
    Promise<JsonObject> credit = node.steps.hang("credit");
    node.steps.failWith("fraud", StepFailure.permanent("step_http_422", "step answered HTTP 422"));
    node.onLoop(() -> node.execute(RUN, "fan", new JsonObject())).onComplete(test.succeeding(outcome -> test.verify(() -> {
      RunRecord run = outcome.record();
      assertThat(run.status()).isEqualTo(RunStatus.DEAD_LETTERED);
      assertThat(run.error().step()).isEqualTo("fraud");
      assertThat(run.steps()).extracting(StepRecord::name, StepRecord::status).containsExactly(
          tuple("first", "succeeded"), tuple("fraud",
              "failed"), tuple("credit", "cancelled"));
      assertThat(node.steps.attemptsOf("last")).isZero();
      assertThat(outcome.stepCalled()).as("the abandoned call may still act").isTrue();
      credit.complete(new JsonObject()); // answers late: nothing changes
      assertThat(node.store.finalWrites(RUN)).hasSize(1);
      test.completeNow();
    })));
  }

  /** The failure arrives once every branch is out, as a real downstream's answer does, not while the group starts. */
  @Test
  void aBranchThatFailsWhileTheOthersAreOutCancelsThemAndNamesItself(VertxTestContext test) {
    Promise<JsonObject> fraud = node.steps.hang("fraud");
    node.steps.hang("credit");
    node.onLoop(() -> {
      Future<RunOutcome> outcome = node.execute(RUN, "fan", new JsonObject());
      fraud.fail(StepFailure.permanent("step_http_422", "step answered HTTP 422"));
      return outcome;
    }).onComplete(test.succeeding(outcome -> test.verify(() -> {
      assertThat(outcome.record().error().step()).isEqualTo("fraud");
      assertThat(outcome.record().steps()).extracting(StepRecord::name, StepRecord::status).containsExactly(
          tuple("first", "succeeded"), tuple("fraud", "failed"), tuple("credit", "cancelled"));
      test.completeNow();
    })));
  }

  @Test
  void aStepWhoseConditionIsFalseIsSkippedAndNeverCalled(VertxTestContext test) {
    node.onLoop(() -> node.execute(RUN, "gated", new JsonObject().put("tier", "silver")))
        .onComplete(test.succeeding(outcome -> test.verify(() -> {
          assertThat(outcome.record().steps()).extracting(StepRecord::name, StepRecord::status).containsExactly(
              tuple("first", "succeeded"),
              tuple("bonus", "skipped"),
              tuple("audit", "skipped"));
          assertThat(node.steps.attempts).extracting(ScriptedSteps.Attempt::step).containsExactly("first");
          assertThat(outcome.record().output().containsKey("result")).as("the last step was skipped").isFalse();
          test.completeNow();
        })));
  }

  @Test
  void aConditionThatHoldsLetsTheStepRun(VertxTestContext test) {
    node.steps.hang("first").complete(new JsonObject().put("flag", false));
    node.onLoop(() -> node.execute(RUN, "gated", new JsonObject().put("tier", "gold")))
        .onComplete(test.succeeding(outcome -> test.verify(() -> {
          assertThat(node.steps.attempts).extracting(ScriptedSteps.Attempt::step)
              .containsExactly("first", "bonus", "audit");
          test.completeNow();
        })));
  }

  @Test
  void aMappedStepReceivesExactlyTheBuiltBody(VertxTestContext test) {
    node.onLoop(() -> node.execute(RUN, "mapped", new JsonObject().put("orderId", "o-1").put("secret", "x")))
        .onComplete(test.succeeding(outcome -> test.verify(() -> {
          assertThat(payloadOf("notify")).isEqualTo(new JsonObject().put("orderId", "o-1").put("from", "first")
              .put("channel", "email"));
          test.completeNow();
        })));
  }

  @Test
  void aPointerThatResolvesToNothingFailsTheRunNamingIt(VertxTestContext test) {
    node.onLoop(() -> node.execute(RUN, "mapped", new JsonObject())).onComplete(test.succeeding(outcome -> test.verify(() -> {
      assertThat(outcome.record().status()).isEqualTo(RunStatus.DEAD_LETTERED);
      assertThat(outcome.record().error().type()).isEqualTo("input_missing");
      assertThat(outcome.record().error().message()).contains("/input/orderId").contains("orderId");
      assertThat(node.steps.attemptsOf("notify")).isZero();
      assertThat(node.deadLetters).singleElement().satisfies(e -> assertThat(e.error().step()).isEqualTo("notify"));
      test.completeNow();
    })));
  }
}
