package dev.wfgateway.workflow;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wfgateway.common.Addresses;
import dev.wfgateway.common.ProblemException;
import dev.wfgateway.common.ProblemType;
import dev.wfgateway.common.messages.DlqAdded;
import dev.wfgateway.common.messages.DlqEntry;
import dev.wfgateway.common.messages.DlqReason;
import dev.wfgateway.common.messages.FailureInfo;
import dev.wfgateway.common.messages.RunSource;
import dev.wfgateway.common.resilience.DependencyBreaker;
import dev.wfgateway.common.service.DeadLetterService;
import dev.wfgateway.common.service.ServiceFailure;
import dev.wfgateway.testkit.Eventually;
import dev.wfgateway.testkit.TestVertx;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.circuitbreaker.OpenCircuitException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The hand-off of failed runs to the DLQ, over a real event bus, with and without a DLQ there. */
@ExtendWith(VertxExtension.class)
class DeadLetterSenderTest {
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  /** Every hand-off the sender put on the event bus, answered or not, by run id. */
  private final List<String> sent = new CopyOnWriteArrayList<>();
  private Vertx vertx;
  private DeadLetterSender sender;

  @BeforeEach
  void setUp() {
    vertx = TestVertx.create();
    vertx.eventBus().addOutboundInterceptor(delivery -> {
      if (Addresses.DLQ_ADD.equals(delivery.message().address())) {
        sent.add(((DlqEntry) delivery.message().body()).runId());
      }
      delivery.next();
    });
    sender = new DeadLetterSender(vertx, registry);
  }

  @AfterEach
  void tearDown() throws Exception {
    sender.stop();
    TestVertx.close(vertx);
  }

  private static DlqEntry entry(String runId) {
    return new DlqEntry(null, "acme", "echo", runId, new JsonObject().put("n", runId), DlqReason.STEP_FAILED,
        new FailureInfo("http_status", "step answered 503", "call"), List.of(), 3, "2026-12-01T00:00:00Z",
        "2026-12-01T00:00:01Z", RunSource.HTTP, "req-" + runId, 0);
  }

  /** A DLQ that stores everything, under "dlq-" + the run id. */
  private void dlqUp() {
    DeadLetterService.ADD.serve(vertx.eventBus(), Addresses.DLQ_ADD,
        (entry, headers) -> Future.succeededFuture(new DlqAdded("dlq-" + entry.runId())));
  }

  private double breakerState() {
    return registry.get(DependencyBreaker.STATE).tag("dependency", DeadLetterSender.DEPENDENCY).gauge().value();
  }

  @Test
  void answersTheIdTheDlqStoredTheEntryUnder(VertxTestContext test) {
    dlqUp();
    sender.send(entry("r-1")).onComplete(test.succeeding(id -> test.verify(() -> {
      assertThat(id).isEqualTo("dlq-r-1");
      assertThat(sent).containsExactly("r-1");
      test.completeNow();
    })));
  }

  @Test
  void retriesThreeTimesAfterDoublingPauses(VertxTestContext test) {
    AtomicInteger calls = new AtomicInteger();
    List<Long> at = new CopyOnWriteArrayList<>();
    vertx.eventBus().<DlqEntry>consumer(Addresses.DLQ_ADD, message -> {
      at.add(System.nanoTime());
      if (calls.incrementAndGet() <= 3) {
        message.fail(503, "journal unavailable");
      } else {
        message.reply(new JsonObject().put("id", "dlq-1"));
      }
    });
    sender.send(entry("r-1")).onComplete(test.succeeding(id -> test.verify(() -> {
      assertThat(id).isEqualTo("dlq-1");
      assertThat(calls).hasValue(4);
      assertThat(List.of(DeadLetterSender.backoff(1), DeadLetterSender.backoff(2), DeadLetterSender.backoff(3)))
          .containsExactly(100L, 200L, 400L);
      for (int i = 1; i < 4; i++) {
        assertThat((at.get(i) - at.get(i - 1)) / 1_000_000).as("pause before retry %d", i)
            .isGreaterThanOrEqualTo(DeadLetterSender.backoff(i));
      }
      assertThat(breakerState()).as("a hand-off that succeeded in the end keeps the breaker closed").isZero();
      test.completeNow();
    })));
  }

  @Test
  void aHandOffThatStillFailsOpensTheBreakerAndTheNextRunSendsNothing(VertxTestContext test) {
    sender.send(entry("r-1"))
        .recover(noDlq -> {
          test.verify(() -> {
            assertThat(noDlq).isInstanceOf(ReplyException.class);
            assertThat(sent).as("the first try and three retries").containsExactly("r-1", "r-1", "r-1", "r-1");
            assertThat(breakerState()).as("open").isEqualTo(1);
          });
          return sender.send(entry("r-2"));
        })
        .onComplete(test.failing(fastFail -> test.verify(() -> {
          assertThat(fastFail).isInstanceOf(OpenCircuitException.class);
          assertThat(sent).as("nothing sent while open").doesNotContain("r-2");
          test.completeNow();
        })));
  }

  @Test
  void theOutboxReachesTheDlqInOrderOnceItIsBack(VertxTestContext test) {
    List<String> stored = new CopyOnWriteArrayList<>();
    sender.send(entry("r-0")).onComplete(test.failing(opened -> {
      for (String runId : List.of("r-1", "r-2", "r-3")) {
        sender.later(entry(runId), stored::add);
      }
      dlqUp();
      Eventually.holds(vertx, "the outbox to drain", Duration.ofSeconds(10), () -> stored.size() == 3)
          .onComplete(test.succeeding(drained -> test.verify(() -> {
            assertThat(stored).containsExactly("dlq-r-1", "dlq-r-2", "dlq-r-3");
            assertThat(sender.waiting()).isZero();
            assertThat(breakerState()).as("closed by the trial that reached the DLQ").isZero();
            assertThat(sent.subList(4, sent.size())).as("one offer each once the DLQ was back, in order")
                .containsExactly("r-1", "r-2", "r-3");
            test.completeNow();
          })));
    }));
  }

  @Test
  void aRefusedEntryIsNotRetriedAndDoesNotOpenTheBreaker(VertxTestContext test) {
    vertx.eventBus().<DlqEntry>consumer(Addresses.DLQ_ADD, message -> {
      if (message.body().runId().equals("bad")) {
        message.fail(400, "{\"type\":\"validation-failed\"}");
      } else {
        message.reply(new JsonObject().put("id", "dlq-good"));
      }
    });
    refusesBadAndStoresGood(test, ReplyException.class);
  }

  @Test
  void aRefusalOfTheDlqServiceIsARefusalToo(VertxTestContext test) {
    DeadLetterService.ADD.serve(vertx.eventBus(), Addresses.DLQ_ADD, (entry, headers) -> entry.runId().equals("bad")
        ? Future.failedFuture(new ProblemException(ProblemType.VALIDATION_FAILED.problem("tenant name")))
        : Future.succeededFuture(new DlqAdded("dlq-good")));
    refusesBadAndStoresGood(test, ServiceFailure.class);
  }

  /** Sends run "bad", which the DLQ refuses with a 400 of type {@code refusal}, then "good", which it stores. */
  private void refusesBadAndStoresGood(VertxTestContext test, Class<? extends ReplyException> refusal) {
    sender.send(entry("bad"))
        .recover(refused -> {
          test.verify(() -> {
            assertThat(refused).isInstanceOf(refusal);
            assertThat(((ReplyException) refused).failureCode()).isEqualTo(400);
            assertThat(sent).as("refused once, not retried").containsExactly("bad");
            assertThat(breakerState()).as("the DLQ answered: still closed").isZero();
          });
          return sender.send(entry("good"));
        })
        .onComplete(test.succeeding(id -> test.verify(() -> {
          assertThat(id).isEqualTo("dlq-good");
          test.completeNow();
        })));
  }
}
