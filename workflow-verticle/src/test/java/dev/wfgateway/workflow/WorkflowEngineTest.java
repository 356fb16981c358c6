package dev.wfgateway.workflow;

import dev.wfgateway.common.messages.SubmittedRun;
import static dev.wfgateway.workflow.WorkflowFixture.eventBusStep;
import static dev.wfgateway.workflow.WorkflowFixture.workflow;
import static org.assertj.core.api.Assertions.assertThat;

import dev.wfgateway.common.Problem;
import dev.wfgateway.common.ProblemException;
import dev.wfgateway.common.ProblemType;
import dev.wfgateway.common.messages.DlqEntry;
import dev.wfgateway.common.messages.DlqReason;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Admission, Idempotency-Key submits, orphan adoption and draining, on fakes and a hand-driven
 * clock. Tenant {@code acme} may run 2 runs at once and queue 2 ({@link WorkflowFixture#config}).
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 10, timeUnit = TimeUnit.SECONDS)
class WorkflowEngineTest {
  private static final String ORPHAN = "orphan-1";

  private EngineOnFakes node;

  @BeforeEach
  void setUp(VertxTestContext test) {
    node = new EngineOnFakes(new JsonObject()
        .put("slow", workflow(eventBusStep("slow", "test.slow", "none")))
        .put("schema", workflow(eventBusStep("score", "test.score", "none"))
            .put("inputSchema", new JsonObject().put("type", "object").put("required", new JsonArray().add("eventId"))
                .put("properties", new JsonObject().put("eventId", new JsonObject().put("type", "string")))))
        .put("locked", workflow(eventBusStep("first", "test.first", "none"))
            .put("lock", new JsonObject().put("key", "/orderId").put("ttl", "10s").put("wait", "1s"))));
    node.start().onComplete(test.succeedingThenComplete());
  }

  @AfterEach
  void tearDown() throws Exception {
    node.close();
  }

  private Future<SubmittedRun> submit(String tenant, String workflow, JsonObject input, boolean async, String key) {
    return node.engine.submit(EngineOnFakes.request(tenant, workflow, input, async, key), null, null, null);
  }

  private Future<SubmittedRun> submit(String tenant, String workflow, JsonObject input) {
    return submit(tenant, workflow, input, false, null);
  }

  /** The problem the submit was refused with; a submit that was not refused fails the returned future. */
  private static Future<Problem> refusal(Future<?> submitted) {
    return submitted.transform(ar -> ar.failed() && ar.cause() instanceof ProblemException pe
        ? Future.succeededFuture(pe.problem())
        : Future.failedFuture(new AssertionError("expected a refusal, got " + (ar.failed() ? ar.cause() : ar.result()))));
  }

  /** Fills acme's bulkhead: two runs of {@code slow} inside, hanging, and two queued; the hung answers. */
  private List<Promise<JsonObject>> fillAcme() {
    List<Promise<JsonObject>> answers = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      answers.add(node.steps.hang("slow"));
      submit("acme", "slow", new JsonObject());
    }
    return answers;
  }

  @Test
  void aSyncRunIsRecordedRunningAtOnceUnlessItWaitsForASlotOrALockAndAnAsyncOneIsRecordedQueuedFirst(
      VertxTestContext test) {
    node.onLoop(() -> {
      fillAcme();
      assertThat(node.store.writes).as("two runs got a slot, two wait for one").extracting(RunRecord::status)
          .containsExactly(RunStatus.RUNNING, RunStatus.RUNNING, RunStatus.QUEUED, RunStatus.QUEUED);
      return submit("wide", "echo", new JsonObject())
          .compose(sync -> submit("wide", "echo", new JsonObject(), true, null).map(async -> List.of(sync, async)))
          .compose(runs -> submit("wide", "locked", new JsonObject().put("orderId", "o-1")).map(locked -> {
            assertThat(node.store.statusesWritten(runs.get(0).run().getString("runId")))
                .containsExactly(RunStatus.RUNNING, RunStatus.SUCCEEDED);
            assertThat(node.store.statusesWritten(runs.get(1).run().getString("runId")))
                .containsExactly(RunStatus.QUEUED, RunStatus.RUNNING, RunStatus.SUCCEEDED);
            assertThat(node.store.statusesWritten(locked.run().getString("runId")))
                .containsExactly(RunStatus.QUEUED, RunStatus.RUNNING, RunStatus.SUCCEEDED);
            return locked;
          }));
    }).onComplete(test.succeedingThenComplete());
  }

  @Test
  void aFullBulkheadRefusesAtOnceWith429AndARetryAfterAndOtherTenantsStillRun(VertxTestContext test) {
    node.onLoop(() -> {
      fillAcme();
      int writes = node.store.writes.size();
      Future<SubmittedRun> refused = submit("acme", "slow", new JsonObject());
      assertThat(refused.failed()).as("refused at once, not queued").isTrue();
      assertThat(node.store.writes).as("nothing recorded for it").hasSize(writes);
      assertThat(node.steps.attemptsOf("slow")).isEqualTo(2);
      return refusal(refused).compose(problem -> submit("wide", "echo", new JsonObject()).map(other -> {
        assertThat(problem.type()).isEqualTo(ProblemType.BULKHEAD_FULL);
        assertThat(problem.status()).isEqualTo(429);
        assertThat(problem.extensions().getInteger("retryAfterSeconds")).isEqualTo(1);
        assertThat(other.run().getString("status")).isEqualTo("succeeded");
        return other;
      }));
    }).onComplete(test.succeedingThenComplete());
  }

  @Test
  void aWorkflowTheTenantMayNotRunOrThatDoesNotExistIsNotFoundAndNothingIsRecorded(VertxTestContext test) {
    node.onLoop(() -> Future.all(refusal(submit("acme", "nope", new JsonObject())),
            refusal(submit("globex", "slow", new JsonObject())), refusal(submit("nobody", "echo", new JsonObject())))
        .map(all -> all.<Problem>list()))
        .onComplete(test.succeeding(problems -> test.verify(() -> {
          assertThat(problems).extracting(Problem::type).containsOnly(ProblemType.NOT_FOUND);
          assertThat(problems).extracting(Problem::detail)
              .containsExactly("No workflow named 'nope'", "No workflow named 'slow'", "No workflow named 'echo'");
          assertThat(node.store.writes).isEmpty();
          assertThat(node.activeRuns.events).isEmpty();
          test.completeNow();
        })));
  }

  @Test
  void anInputFailingItsSchemaOrLackingItsLockKeyIsRefusedWithThePointer(VertxTestContext test) {
    node.onLoop(() -> Future.all(refusal(submit("acme", "schema", new JsonObject().put("eventId", 42))),
            refusal(submit("acme", "locked", new JsonObject().put("orderId", true))))
        .map(all -> all.<Problem>list()))
        .onComplete(test.succeeding(problems -> test.verify(() -> {
          assertThat(problems).extracting(Problem::type).containsOnly(ProblemType.VALIDATION_FAILED);
          assertThat(problems).extracting(p -> p.extensions().getJsonArray("errors").getJsonObject(0).getString("pointer"))
              .containsExactly("/input/eventId", "/input/orderId");
          assertThat(node.store.writes).isEmpty();
          assertThat(node.steps.attempts).isEmpty();
          test.completeNow();
        })));
  }

  @Test
  void anInputDeeperThanTheLimitIsRefused(VertxTestContext test) {
    JsonObject deep = new JsonObject();
    JsonObject level = deep;
    for (int i = 0; i < node.config.http().maxJsonDepth(); i++) {
      JsonObject next = new JsonObject();
      level.put("n", next);
      level = next;
    }
    node.onLoop(() -> refusal(submit("acme", "echo", deep))).onComplete(test.succeeding(problem -> test.verify(() -> {
      assertThat(problem.status()).isEqualTo(400);
      assertThat(node.store.writes).isEmpty();
      test.completeNow();
    })));
  }

  @Test
  void anAsyncSubmitAnswersTheQueuedRecordThenRunsIt(VertxTestContext test) {
    node.onLoop(() -> {
      Promise<JsonObject> answer = node.steps.hang("slow");
      return submit("acme", "slow", new JsonObject().put("n", 1), true, null).map(queued -> {
        String runId = queued.run().getString("runId");
        assertThat(queued.run().getString("status")).isEqualTo("queued");
        assertThat(queued.replayed()).isFalse();
        assertThat(node.store.record("acme", runId).status()).isEqualTo(RunStatus.RUNNING);
        answer.complete(new JsonObject());
        assertThat(node.store.statusesWritten(runId)).containsExactly(RunStatus.QUEUED, RunStatus.RUNNING,
            RunStatus.SUCCEEDED);
        assertThat(node.activeRuns.events).containsExactly("admitted:" + runId, "ended:" + runId);
        return queued;
      });
    }).onComplete(test.succeedingThenComplete());
  }

  @Test
  void aRunWhoseRecordCouldNotBeWrittenIsNotStartedAndRecordedFailedRetryingEvery500Ms(VertxTestContext test) {
    node.store.failingCreates = true;
    node.store.failingSaves = 2;
    node.onLoop(() -> refusal(submit("acme", "echo", new JsonObject())).map(problem -> {
      assertThat(problem.type()).isEqualTo(ProblemType.DEPENDENCY_UNAVAILABLE);
      assertThat(problem.extensions().getInteger("retryAfterSeconds")).isEqualTo(1);
      assertThat(node.store.writes).extracting(RunRecord::status).containsExactly(RunStatus.RUNNING, RunStatus.FAILED);
      node.time.advance(499);
      assertThat(node.store.writes).hasSize(2);
      node.time.advance(1);
      assertThat(node.store.writes).hasSize(3);
      node.time.advance(500);
      assertThat(node.store.writes).hasSize(4);
      node.time.advance(60_000);
      assertThat(node.store.writes).as("stored at the third try: no more").hasSize(4);
      RunRecord failed = node.store.writes.get(3);
      assertThat(node.store.record("acme", failed.runId())).isEqualTo(failed);
      assertThat(failed.error().type()).isEqualTo("run_store_unavailable");
      assertThat(node.steps.attempts).isEmpty();
      assertThat(node.activeRuns.events).containsExactly("admitted:" + failed.runId(), "ended:" + failed.runId());
      node.store.failingCreates = false;
      fillAcme();
      assertThat(node.steps.attemptsOf("slow")).as("its bulkhead slot was given back: two runs inside").isEqualTo(2);
      return problem;
    })).onComplete(test.succeedingThenComplete());
  }

  @Test
  void theSameKeyAndBodyReplaysTheFirstAnswerWithoutRunningAgain(VertxTestContext test) {
    node.onLoop(() -> submit("acme", "echo", new JsonObject().put("a", 1).put("b", 2), false, "k-1")
        .compose(first -> submit("acme", "echo", new JsonObject().put("b", 2).put("a", 1), false, "k-1")
            .map(second -> {
              assertThat(first.replayed()).isFalse();
              assertThat(second.replayed()).isTrue();
              assertThat(second.run()).isEqualTo(first.run());
              assertThat(first.run().getString("status")).isEqualTo("succeeded");
              assertThat(node.steps.attemptsOf("score")).isEqualTo(1);
              return second;
            })))
        .onComplete(test.succeedingThenComplete());
  }

  @Test
  void theSameKeyWithAnotherBodyIsRefusedAndWhileTheFirstRunsIsInProgress(VertxTestContext test) {
    node.onLoop(() -> {
      Promise<JsonObject> answer = node.steps.hang("slow");
      Future<SubmittedRun> first = submit("acme", "slow", new JsonObject().put("a", 1), false, "k-2");
      return refusal(submit("acme", "slow", new JsonObject().put("a", 1), false, "k-2"))
          .compose(running -> refusal(submit("acme", "slow", new JsonObject().put("a", 2), false, "k-2"))
              .map(mismatch -> {
                assertThat(running.type()).isEqualTo(ProblemType.IDEMPOTENCY_IN_PROGRESS);
                assertThat(running.extensions().getInteger("retryAfterSeconds")).isEqualTo(1);
                assertThat(mismatch.type()).isEqualTo(ProblemType.IDEMPOTENCY_MISMATCH);
                assertThat(mismatch.status()).isEqualTo(422);
                answer.complete(new JsonObject());
                return running;
              }))
          .compose(running -> first.map(done -> {
            assertThat(running.extensions().getString("runId")).isEqualTo(done.run().getString("runId"));
            assertThat(node.steps.attemptsOf("slow")).isEqualTo(1);
            return done;
          }))
          .compose(done -> refusal(submit("acme", "slow", new JsonObject().put("a", 2), false, "k-2")))
          .map(afterwards -> {
            assertThat(afterwards.type()).as("another body once the first ended")
                .isEqualTo(ProblemType.IDEMPOTENCY_MISMATCH);
            return afterwards;
          });
    }).onComplete(test.succeedingThenComplete());
  }

  /** IdempotentSubmits: a submit refused before its run started (bulkhead, lock) stores nothing and frees the key. */
  @Test
  void aSubmitRefusedBeforeItsRunStartedStoresNothingAndTheKeyRunsLater(VertxTestContext test) {
    node.onLoop(() -> {
      List<Promise<JsonObject>> answers = fillAcme();
      Future<Problem> full = refusal(submit("acme", "echo", new JsonObject(), false, "k-3"));
      assertThat(node.idempotency.records).as("after the 429").isEmpty();
      answers.forEach(answer -> answer.complete(new JsonObject()));
      node.locks.refuseNext(new ProblemException(ProblemType.LOCK_CONTENDED.problem("Another run holds the lock")));
      Future<Problem> contended = refusal(submit("acme", "locked", new JsonObject().put("orderId", "o-1"), false,
          "k-4"));
      return Future.all(full, contended).compose(refused -> {
        assertThat(full.result().type()).isEqualTo(ProblemType.BULKHEAD_FULL);
        assertThat(contended.result().type()).isEqualTo(ProblemType.LOCK_CONTENDED);
        assertThat(node.idempotency.records).as("after the 409").isEmpty();
        return Future.all(submit("acme", "echo", new JsonObject(), false, "k-3"),
            submit("acme", "locked", new JsonObject().put("orderId", "o-1"), false, "k-4"));
      }).map(again -> {
        assertThat(again.<SubmittedRun>list()).extracting(SubmittedRun::replayed).containsExactly(false, false);
        assertThat(node.steps.attemptsOf("score")).isEqualTo(1);
        assertThat(node.steps.attemptsOf("first")).isEqualTo(1);
        assertThat(node.idempotency.records).hasSize(2).allSatisfy((scope, record) -> {
          assertThat(record.completed()).isTrue();
          assertThat(record.status()).isEqualTo(200);
        });
        return again;
      });
    }).onComplete(test.succeedingThenComplete());
  }

  @Test
  void aRunThatTimedOutAfterCallingItsStepIsReplayedAsTheSameTimeout(VertxTestContext test) {
    node.onLoop(() -> {
      node.steps.hang("slow");
      Future<Problem> first = refusal(submit("acme", "slow", new JsonObject(), false, "k-5"));
      node.time.advance(5_000);
      return first;
    }).compose(first -> node.onLoop(() -> refusal(submit("acme", "slow", new JsonObject(), false, "k-5")))
        .map(second -> {
          test.verify(() -> {
            assertThat(first.type()).isEqualTo(ProblemType.RUN_TIMEOUT);
            assertThat(second.extensions().getBoolean(Problem.REPLAYED_FIELD)).isTrue();
            assertThat(second.toJson().copy().put(Problem.REPLAYED_FIELD, false))
                .isEqualTo(first.toJson().copy().put(Problem.REPLAYED_FIELD, false));
            assertThat(node.steps.attemptsOf("slow")).as("not run again").isEqualTo(1);
          });
          return second;
        }))
        .onComplete(test.succeedingThenComplete());
  }

  private void recordOrphan(RunRecord record) {
    node.store.records.put("acme:" + ORPHAN, record);
  }

  private static RunRecord queuedOrphan() {
    return RunRecord.queued(ORPHAN, "acme", "echo", null, new JsonObject().put("n", 1), ManualTime.START.toString());
  }

  private void adoptOrphan() {
    node.takeover.adoptOrphan(EngineOnFakes.request("acme", "echo", new JsonObject().put("n", 1), true), ORPHAN, null,
        "node-b");
  }

  @Test
  void anOrphanStillQueuedIsStartedAgainHereAndRecordsWhereItCameFrom(VertxTestContext test) {
    recordOrphan(queuedOrphan());
    node.onLoop(() -> {
      adoptOrphan();
      return Future.succeededFuture();
    }).onComplete(test.succeeding(v -> test.verify(() -> {
      assertThat(node.activeRuns.events).containsExactly("adopted:" + ORPHAN + ":node-b", "ended:" + ORPHAN);
      assertThat(node.steps.attemptsOf("score")).isEqualTo(1);
      assertThat(node.store.statusesWritten(ORPHAN)).containsExactly(RunStatus.QUEUED, RunStatus.RUNNING,
          RunStatus.SUCCEEDED);
      assertThat(node.store.creates).as("its queued record overwritten, not created").isEmpty();
      assertThat(node.deadLetters).isEmpty();
      test.completeNow();
    })));
  }

  @Test
  void anOrphanNeverRecordedIsCreatedAndStarted(VertxTestContext test) {
    node.onLoop(() -> {
      adoptOrphan();
      return Future.succeededFuture();
    }).onComplete(test.succeeding(v -> test.verify(() -> {
      assertThat(node.steps.attemptsOf("score")).isEqualTo(1);
      assertThat(node.store.creates).as("created only if absent, as a resent submit may create it")
          .extracting(RunRecord::runId).containsExactly(ORPHAN);
      assertThat(node.store.record("acme", ORPHAN).status()).isEqualTo(RunStatus.SUCCEEDED);
      assertThat(node.store.record("acme", ORPHAN).input()).isEqualTo(new JsonObject().put("n", 1));
      test.completeNow();
    })));
  }

  private Future<DlqEntry> adoptAndAwaitDeadLetter() {
    return node.onLoop(() -> {
      adoptOrphan();
      return node.published(ORPHAN, RunStatus.DEAD_LETTERED);
    }).map(run -> {
      assertThat(node.deadLetters).hasSize(1);
      assertThat(run.dlqId()).isEqualTo("dlq-1");
      return node.deadLetters.get(0);
    });
  }

  @Test
  void anOrphanThatHadBegunIsDeadLetteredNotRepeated(VertxTestContext test) {
    recordOrphan(queuedOrphan().started(ManualTime.START.toString(), 1, null)
        .withStep(new StepRecord("score", null, "failed", 1, 3, "timeout", null)));
    adoptAndAwaitDeadLetter().onComplete(test.succeeding(entry -> test.verify(() -> {
      assertThat(entry.reason()).isEqualTo(DlqReason.STEP_FAILED);
      assertThat(entry.error().type()).isEqualTo("node_lost");
      assertThat(entry.error().message()).startsWith("node node-b left the cluster while running this run");
      assertThat(entry.error().step()).isEqualTo("score");
      assertThat(node.steps.attempts).isEmpty();
      assertThat(node.deadLetters).hasSize(1);
      test.completeNow();
    })));
  }

  @Test
  void anOrphanWhoseRecordCannotBeReadIsDeadLetteredRatherThanRepeated(VertxTestContext test) {
    recordOrphan(queuedOrphan());
    node.store.failingFinds = true;
    adoptAndAwaitDeadLetter().onComplete(test.succeeding(entry -> test.verify(() -> {
      assertThat(entry.error().type()).isEqualTo("node_lost");
      assertThat(entry.error().step()).isNull();
      assertThat(node.steps.attempts).isEmpty();
      test.completeNow();
    })));
  }

  @Test
  void aFinishedOrphanIsLeftAlone(VertxTestContext test) {
    RunRecord finished = queuedOrphan().succeeded(new JsonObject(), ManualTime.START.toString());
    recordOrphan(finished);
    node.onLoop(() -> {
      adoptOrphan();
      return Future.succeededFuture();
    }).onComplete(test.succeeding(v -> test.verify(() -> {
      assertThat(node.store.writes).isEmpty();
      assertThat(node.store.record("acme", ORPHAN)).isEqualTo(finished);
      assertThat(node.activeRuns.events).isEmpty();
      assertThat(node.steps.attempts).isEmpty();
      test.completeNow();
    })));
  }

  @Test
  void anOrphanFacingAFullBulkheadAsksAgainEvery200MsUntilItGetsIn(VertxTestContext test) {
    recordOrphan(queuedOrphan());
    node.onLoop(() -> {
      List<Promise<JsonObject>> answers = fillAcme();
      adoptOrphan();
      node.time.advance(199);
      answers.get(0).complete(new JsonObject());
      assertThat(node.activeRuns.events).as("not yet asked again").noneMatch(e -> e.startsWith("adopted:"));
      node.time.advance(1);
      assertThat(node.activeRuns.events).as("queued at the second ask").contains("adopted:" + ORPHAN + ":node-b");
      assertThat(node.time.delays()).containsOnlyOnce(200L);
      return Future.succeededFuture();
    }).onComplete(test.succeedingThenComplete());
  }

  private DlqEntry deadLetterOf(String runId) {
    return node.deadLetters.stream().filter(e -> e.runId().equals(runId)).findFirst().orElseThrow();
  }

  @Test
  void drainingRefusesNewRunsWithdrawsQueuedOnesAndDeadLettersWhatOutlivesTheGrace(VertxTestContext test) {
    List<String> runIds = new ArrayList<>();
    node.onLoop(() -> {
      List<Promise<JsonObject>> answers = new ArrayList<>();
      List<Future<SubmittedRun>> runs = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        answers.add(node.steps.hang("slow"));
        runs.add(submit("acme", "slow", new JsonObject().put("n", i), true, null));
      }
      runs.forEach(run -> runIds.add(run.result().run().getString("runId")));
      Future<Void> drained = node.engine.drain(Duration.ofSeconds(3));
      assertThat(node.engine.draining()).isTrue();
      Future<Problem> refused = refusal(submit("acme", "echo", new JsonObject()));
      node.time.advance(1_000);
      answers.get(0).complete(new JsonObject());
      node.time.advance(1_999);
      assertThat(drained.isComplete()).as("1 ms before the grace is over").isFalse();
      assertThat(node.executor.inFlight()).isEqualTo(1);
      node.time.advance(1);
      return refused.compose(problem -> drained.map(problem));
    }).onComplete(test.succeeding(problem -> test.verify(() -> {
      assertThat(problem.type()).isEqualTo(ProblemType.DEPENDENCY_UNAVAILABLE);
      assertThat(problem.detail()).isEqualTo("This node is shutting down");
      assertThat(node.store.record("acme", runIds.get(0)).status()).isEqualTo(RunStatus.SUCCEEDED);
      assertThat(node.deadLetters).extracting(DlqEntry::runId).containsExactlyInAnyOrder(runIds.get(1), runIds.get(2));
      assertThat(node.deadLetters).allSatisfy(entry -> assertThat(entry.reason()).isEqualTo(DlqReason.REJECTED));
      DlqEntry withdrawn = deadLetterOf(runIds.get(2));
      assertThat(withdrawn.error().message()).isEqualTo("the node shut down before the run could start");
      DlqEntry aborted = deadLetterOf(runIds.get(1));
      assertThat(aborted.error().message()).isEqualTo("the node shut down before the run finished");
      assertThat(aborted.error().step()).isEqualTo("slow");
      assertThat(node.executor.inFlight()).isZero();
      test.completeNow();
    })));
  }

  @Test
  void drainingEndsAtTheFirstLookAfterTheLastRunFinished(VertxTestContext test) {
    node.onLoop(() -> {
      Promise<JsonObject> answer = node.steps.hang("slow");
      submit("acme", "slow", new JsonObject(), true, null);
      Future<Void> drained = node.engine.drain(Duration.ofSeconds(3));
      node.time.advance(1_000);
      answer.complete(new JsonObject());
      node.time.advance(49);
      assertThat(drained.isComplete()).as("before the next look").isFalse();
      node.time.advance(1);
      assertThat(drained.succeeded()).as("at the look 50 ms later").isTrue();
      return drained;
    }).onComplete(test.succeeding(v -> test.verify(() -> {
      assertThat(node.deadLetters).isEmpty();
      test.completeNow();
    })));
  }
}
