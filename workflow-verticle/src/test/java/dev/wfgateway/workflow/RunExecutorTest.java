package dev.wfgateway.workflow;

import static dev.wfgateway.workflow.WorkflowFixture.eventBusStep;
import static dev.wfgateway.workflow.WorkflowFixture.retry;
import static dev.wfgateway.workflow.WorkflowFixture.workflow;
import static org.assertj.core.api.Assertions.assertThat;

import dev.wfgateway.common.Headers;
import dev.wfgateway.common.ProblemException;
import dev.wfgateway.common.ProblemType;
import dev.wfgateway.common.messages.DlqEntry;
import dev.wfgateway.common.messages.DlqReason;
import dev.wfgateway.common.messages.RunRecord;
import dev.wfgateway.common.messages.RunStatus;
import dev.wfgateway.common.messages.SubmitRunRequest;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** One run from its lock to its end, on fakes and a hand-driven clock: every wait is asserted to the millisecond. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 10, timeUnit = TimeUnit.SECONDS)
class RunExecutorTest {
  private static final String RUN = "run-1";
  private static final JsonObject LOCK = new JsonObject().put("key", "/orderId").put("ttl", "10s").put("wait", "1s");

  private EngineOnFakes node;

  @BeforeEach
  void setUp(VertxTestContext test) {
    node = new EngineOnFakes(new JsonObject()
        .put("capped", workflow(eventBusStep("flaky", "test.flaky", retry(5, "100ms", "300ms", "none"))))
        .put("full", workflow(eventBusStep("flaky", "test.flaky", retry(4, "100ms", "1s", "full"))))
        .put("equal", workflow(eventBusStep("flaky", "test.flaky", retry(4, "100ms", "1s", "equal"))))
        .put("failing", workflow(eventBusStep("boom", "test.boom", retry(3, "20ms"))))
        .put("hanging", workflow(eventBusStep("hang", "test.hang", "none")))
        .put("locked", workflow(eventBusStep("first", "test.first", "none"), eventBusStep("second", "test.second",
            "none")).put("lock", LOCK)));
    node.start().onComplete(test.succeedingThenComplete());
  }

  @AfterEach
  void tearDown() throws Exception {
    node.close();
  }

  private Future<RunOutcome> execute(String workflow, JsonObject input, boolean async) {
    SubmitRunRequest request = EngineOnFakes.request("acme", workflow, input, async);
    RunRecord queued = RunRecord.queued(RUN, "acme", workflow, null, input, ManualTime.START.toString());
    return node.executor.execute(node.contextOf(request, input.getString("orderId")), queued);
  }

  private Future<RunOutcome> execute(String workflow) {
    return execute(workflow, new JsonObject(), false);
  }

  private static StepFailure unavailable() {
    return StepFailure.retryable("step_http_503", "step answered 503");
  }

  /** The run ended once: one final record written, its active-run entry ended once, no timer left. */
  private void assertEndedOnce() {
    assertThat(node.store.finalWrites(RUN)).hasSize(1);
    assertThat(node.activeRuns.events).containsExactly("ended:" + RUN);
    assertThat(node.time.pending()).as("timers left").isZero();
  }

  private DlqEntry onlyDeadLetter() {
    assertThat(node.deadLetters).hasSize(1);
    return node.deadLetters.get(0);
  }

  @Test
  void retriesWaitTheDoublingBackoffCappedAtTheMaximumToTheMillisecond(VertxTestContext test) {
    node.steps.failWith("flaky", unavailable(), unavailable(), unavailable(), unavailable());
    node.onLoop(() -> {
      Future<RunOutcome> outcome = execute("capped");
      long[] expected = {0, 100, 300, 600, 900};
      for (int i = 1; i < expected.length; i++) {
        node.time.advance(expected[i] - expected[i - 1] - 1);
        assertThat(node.steps.attemptsOf("flaky")).as("1 ms before attempt %d", i + 1).isEqualTo(i);
        node.time.advance(1);
        assertThat(node.steps.attemptsOf("flaky")).as("attempt %d", i + 1).isEqualTo(i + 1);
      }
      return outcome;
    }).onComplete(test.succeeding(outcome -> test.verify(() -> {
      assertThat(node.steps.attemptTimes("flaky")).containsExactly(0L, 100L, 300L, 600L, 900L);
      assertThat(node.time.delays()).as("the run timeout, then each backoff").containsExactly(5_000L, 100L, 200L,
          300L, 300L);
      assertThat(outcome.succeeded()).isTrue();
      assertThat(outcome.record().status()).isEqualTo(RunStatus.SUCCEEDED);
      assertThat(outcome.record().steps()).singleElement().satisfies(step -> assertThat(step.attempts()).isEqualTo(5));
      assertThat(node.deadLetters).isEmpty();
      assertEndedOnce();
      test.completeNow();
    })));
  }

  /** RetryPolicy#delayMillis: full jitter waits in [0, backoff), equal jitter in [backoff / 2, backoff). */
  @ParameterizedTest
  @CsvSource({"full, 0", "equal, 2"})
  void jitterWaitsWithinItsDocumentedShareOfTheBackoff(String workflow, int lowerDivisor, VertxTestContext test) {
    node.steps.failWith("flaky", unavailable(), unavailable(), unavailable());
    node.onLoop(() -> {
      Future<RunOutcome> outcome = execute(workflow);
      node.time.advance(100 + 200 + 400);
      return outcome;
    }).onComplete(test.succeeding(outcome -> test.verify(() -> {
      List<Long> at = node.steps.attemptTimes("flaky");
      assertThat(at).hasSize(4).first().isEqualTo(0L);
      long[] backoff = {100, 200, 400};
      List<Long> waits = new ArrayList<>();
      for (int i = 0; i < backoff.length; i++) {
        long wait = at.get(i + 1) - at.get(i);
        assertThat(wait).as("wait before attempt %d", i + 2)
            .isGreaterThanOrEqualTo(lowerDivisor == 0 ? 0 : backoff[i] / lowerDivisor).isLessThan(backoff[i]);
        if (wait > 0) {
          waits.add(wait);
        }
      }
      assertThat(node.time.delays().subList(1, node.time.delays().size())).as("timers set").isEqualTo(waits);
      assertThat(outcome.succeeded()).isTrue();
      test.completeNow();
    })));
  }

  @Test
  void aStepThatFailsEveryAttemptIsDeadLetteredAfterItsLastOne(VertxTestContext test) {
    node.steps.failWith("boom", unavailable(), unavailable(), unavailable());
    node.onLoop(() -> {
      Future<RunOutcome> outcome = execute("failing");
      node.time.advance(20 + 40);
      return outcome;
    }).onComplete(test.succeeding(outcome -> test.verify(() -> {
      assertThat(node.steps.attemptTimes("boom")).containsExactly(0L, 20L, 60L);
      DlqEntry entry = onlyDeadLetter();
      assertThat(entry.reason()).isEqualTo(DlqReason.STEP_FAILED);
      assertThat(entry.runId()).isEqualTo(RUN);
      assertThat(entry.attempts()).isEqualTo(3);
      assertThat(entry.error().type()).isEqualTo("step_http_503");
      assertThat(entry.error().step()).isEqualTo("boom");
      assertThat(outcome.problem().type()).isEqualTo(ProblemType.RUN_FAILED);
      assertThat(outcome.problem().extensions().getString("dlqId")).isEqualTo("dlq-1");
      assertThat(outcome.stepCalled()).isTrue();
      RunRecord saved = node.store.record("acme", RUN);
      assertThat(saved.status()).isEqualTo(RunStatus.DEAD_LETTERED);
      assertThat(saved.dlqId()).isEqualTo("dlq-1");
      assertThat(saved.steps()).singleElement().satisfies(step -> {
        assertThat(step.status()).isEqualTo("failed");
        assertThat(step.attempts()).isEqualTo(3);
      });
      assertThat(node.store.statusesWritten(RUN)).containsExactly(RunStatus.RUNNING, RunStatus.DEAD_LETTERED);
      assertEndedOnce();
      test.completeNow();
    })));
  }

  @Test
  void aPermanentFailureIsNotRetried(VertxTestContext test) {
    node.steps.failWith("boom", StepFailure.permanent("step_http_400", "step answered 400"));
    node.onLoop(() -> execute("failing")).onComplete(test.succeeding(outcome -> test.verify(() -> {
      assertThat(node.steps.attemptsOf("boom")).isEqualTo(1);
      assertThat(node.time.delays()).as("no backoff timer").containsExactly(5_000L);
      assertThat(onlyDeadLetter().error().type()).isEqualTo("step_http_400");
      assertThat(onlyDeadLetter().attempts()).isEqualTo(1);
      assertEndedOnce();
      test.completeNow();
    })));
  }

  @Test
  void attemptsAnOpenBreakerRefusedAreDeadLetteredAsCircuitOpenAndCalledNothing(VertxTestContext test) {
    StepFailure refused = StepFailure.notCalled("circuit_open", "circuit breaker 'x' is open", true,
        DlqReason.CIRCUIT_OPEN);
    node.steps.failWith("boom", refused, refused, refused);
    node.onLoop(() -> {
      Future<RunOutcome> outcome = execute("failing");
      node.time.advance(60);
      return outcome;
    }).onComplete(test.succeeding(outcome -> test.verify(() -> {
      assertThat(onlyDeadLetter().reason()).isEqualTo(DlqReason.CIRCUIT_OPEN);
      assertThat(onlyDeadLetter().attempts()).isEqualTo(3);
      assertThat(outcome.stepCalled()).as("no downstream was called").isFalse();
      assertEndedOnce();
      test.completeNow();
    })));
  }

  @Test
  void aRunOverItsTimeoutIsDeadLetteredOnceThoughItsStepAnswersLater(VertxTestContext test) {
    Promise<JsonObject> answer = node.steps.hang("hang");
    node.onLoop(() -> {
      Future<RunOutcome> outcome = execute("hanging");
      node.time.advance(4_999);
      assertThat(outcome.isComplete()).as("1 ms before the timeout").isFalse();
      assertThat(node.store.finalWrites(RUN)).isEmpty();
      node.time.advance(1);
      return outcome;
    }).compose(outcome -> node.onLoop(() -> {
      answer.complete(new JsonObject().put("late", true));
      return Future.succeededFuture(outcome);
    })).onComplete(test.succeeding(outcome -> test.verify(() -> {
      DlqEntry entry = onlyDeadLetter();
      assertThat(entry.reason()).isEqualTo(DlqReason.TIMEOUT);
      assertThat(entry.error().type()).isEqualTo("run_timeout");
      assertThat(entry.error().step()).isEqualTo("hang");
      assertThat(outcome.problem().type()).isEqualTo(ProblemType.RUN_TIMEOUT);
      assertThat(outcome.stepCalled()).as("the attempt that never answered went out").isTrue();
      assertThat(node.store.record("acme", RUN).status()).isEqualTo(RunStatus.DEAD_LETTERED);
      assertThat(node.store.record("acme", RUN).endedAt()).isEqualTo(ManualTime.START.plusMillis(5_000).toString());
      assertThat(node.store.record("acme", RUN).steps()).as("recorded as the timeout left it, the late answer not")
          .singleElement().satisfies(step -> {
            assertThat(step.status()).isEqualTo("failed");
            assertThat(step.error()).endsWith("(the call was still out)");
          });
      assertEndedOnce();
      test.completeNow();
    })));
  }

  /** Ended but not yet handed to the DLQ: neither its timeout nor a shutdown ends it a second time. */
  @Test
  void aRunWhoseDlqHandOffIsUnderWayIsNotEndedAgain(VertxTestContext test) {
    node.steps.failWith("boom", StepFailure.permanent("step_http_400", "step answered 400"));
    node.onLoop(() -> {
      Future<RunOutcome> outcome = execute("failing");
      assertThat(outcome.isComplete()).as("the DLQ has not answered yet").isFalse();
      node.time.advance(5_000);
      return node.executor.abortAll("the node shut down before the run finished").compose(v -> outcome);
    }).onComplete(test.succeeding(outcome -> test.verify(() -> {
      assertThat(onlyDeadLetter().reason()).isEqualTo(DlqReason.STEP_FAILED);
      assertThat(outcome.problem().type()).isEqualTo(ProblemType.RUN_FAILED);
      assertEndedOnce();
      test.completeNow();
    })));
  }

  @Test
  void aLeaseLostDuringAStepStopsTheRunBeforeTheNextStep(VertxTestContext test) {
    Promise<JsonObject> first = node.steps.hang("first");
    node.onLoop(() -> {
      Future<RunOutcome> outcome = execute("locked", new JsonObject().put("orderId", "o-1"), false);
      FakeRunLocks.Lease lease = node.locks.granted.get(0);
      assertThat(node.steps.attempts.get(0).call().headers().get(Headers.FENCING_TOKEN))
          .isEqualTo(String.valueOf(lease.fencingToken()));
      lease.lost = true;
      first.complete(new JsonObject());
      return outcome;
    }).onComplete(test.succeeding(outcome -> test.verify(() -> {
      assertThat(node.locks.owners).containsExactly(RUN + ":1");
      assertThat(node.steps.attemptsOf("second")).isZero();
      DlqEntry entry = onlyDeadLetter();
      assertThat(entry.reason()).isEqualTo(DlqReason.LOCK_LOST);
      assertThat(entry.error().type()).isEqualTo("lock_lost");
      assertThat(entry.error().step()).isEqualTo("second");
      assertThat(outcome.problem().type()).isEqualTo(ProblemType.RUN_FAILED);
      assertThat(node.locks.granted.get(0).releases).isEqualTo(1);
      assertThat(node.store.record("acme", RUN).lock().fencingToken())
          .isEqualTo(node.locks.granted.get(0).fencingToken());
      assertEndedOnce();
      test.completeNow();
    })));
  }

  @Test
  void aRunThatTimesOutWaitingForItsLockGivesTheLockBackAsSoonAsItComes(VertxTestContext test) {
    node.locks.holdNext();
    node.onLoop(() -> {
      Future<RunOutcome> outcome = execute("locked", new JsonObject().put("orderId", "o-1"), false);
      node.time.advance(5_000);
      return outcome;
    }).compose(outcome -> node.onLoop(() -> Future.succeededFuture(node.locks.grantHeld())).map(lease -> {
      test.verify(() -> {
        assertThat(lease.releases).isEqualTo(1);
        assertThat(outcome.problem().type()).isEqualTo(ProblemType.RUN_TIMEOUT);
        assertThat(onlyDeadLetter().error().step()).as("no step had begun").isNull();
        assertThat(node.steps.attempts).isEmpty();
        assertThat(node.store.statusesWritten(RUN)).containsExactly(RunStatus.DEAD_LETTERED);
        assertEndedOnce();
      });
      return lease;
    })).onComplete(test.succeedingThenComplete());
  }

  @Test
  void aSyncRunRefusedItsLockFailsWithTheRefusalAndIsNotDeadLettered(VertxTestContext test) {
    node.locks.refuseNext(new ProblemException(ProblemType.LOCK_CONTENDED.problem("Another run holds the lock")));
    node.onLoop(() -> execute("locked", new JsonObject().put("orderId", "o-1"), false))
        .onComplete(test.succeeding(outcome -> test.verify(() -> {
          assertThat(outcome.problem().type()).isEqualTo(ProblemType.LOCK_CONTENDED);
          assertThat(outcome.record().status()).isEqualTo(RunStatus.FAILED);
          assertThat(outcome.record().error().type()).isEqualTo("rejected");
          assertThat(node.deadLetters).isEmpty();
          assertThat(node.steps.attempts).isEmpty();
          assertEndedOnce();
          test.completeNow();
        })));
  }

  @Test
  void anAsyncRunRefusedItsLockIsDeadLetteredAsRejected(VertxTestContext test) {
    node.locks.refuseNext(new ProblemException(ProblemType.LOCK_CONTENDED.problem("Another run holds the lock")));
    node.onLoop(() -> execute("locked", new JsonObject().put("orderId", "o-1"), true))
        .onComplete(test.succeeding(outcome -> test.verify(() -> {
          assertThat(onlyDeadLetter().reason()).isEqualTo(DlqReason.REJECTED);
          assertThat(onlyDeadLetter().error().type()).isEqualTo("lock_contended");
          assertThat(outcome.record().status()).isEqualTo(RunStatus.DEAD_LETTERED);
          assertEndedOnce();
          test.completeNow();
        })));
  }

  @Test
  void aRunTheDlqCannotTakeEndsFailedAndIsDeadLetteredOnceTheDlqIsBack(VertxTestContext test) {
    node.dlqDown = true;
    node.steps.failWith("boom", StepFailure.permanent("step_http_400", "step answered 400"));
    node.onLoop(() -> execute("failing"))
        .compose(outcome -> {
          test.verify(() -> {
            assertThat(outcome.record().status()).isEqualTo(RunStatus.FAILED);
            assertThat(outcome.problem().type()).isEqualTo(ProblemType.RUN_FAILED);
            assertThat(outcome.problem().detail()).contains("the DLQ is unavailable");
            assertThat(outcome.problem().extensions().containsKey("dlqId")).isFalse();
            assertThat(node.activeRuns.events).containsExactly("ended:" + RUN);
          });
          node.dlqDown = false;
          return node.published(RUN, RunStatus.DEAD_LETTERED);
        })
        .onComplete(test.succeeding(event -> test.verify(() -> {
          assertThat(onlyDeadLetter().runId()).isEqualTo(RUN);
          assertThat(event.dlqId()).isEqualTo("dlq-1");
          assertThat(node.store.statusesWritten(RUN)).containsExactly(RunStatus.RUNNING, RunStatus.FAILED,
              RunStatus.DEAD_LETTERED);
          assertThat(node.store.record("acme", RUN).dlqId()).isEqualTo("dlq-1");
          test.completeNow();
        })));
  }

  @Test
  void abortAllDeadLettersEveryRunInProgressAtItsCurrentStep(VertxTestContext test) {
    Promise<JsonObject> answer = node.steps.hang("hang");
    node.onLoop(() -> {
      Future<RunOutcome> outcome = execute("hanging");
      assertThat(node.executor.inFlight()).isEqualTo(1);
      return node.executor.abortAll("the node shut down before the run finished").compose(v -> {
        answer.complete(new JsonObject());
        return outcome;
      });
    }).onComplete(test.succeeding(outcome -> test.verify(() -> {
      assertThat(node.executor.inFlight()).isZero();
      DlqEntry entry = onlyDeadLetter();
      assertThat(entry.reason()).isEqualTo(DlqReason.REJECTED);
      assertThat(entry.error().type()).isEqualTo("shutdown");
      assertThat(entry.error().step()).isEqualTo("hang");
      assertThat(outcome.problem().type()).isEqualTo(ProblemType.DEPENDENCY_UNAVAILABLE);
      assertEndedOnce();
      test.completeNow();
    })));
  }
}
