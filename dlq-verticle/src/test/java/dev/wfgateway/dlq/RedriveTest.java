package dev.wfgateway.dlq;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wfgateway.common.Addresses;
import dev.wfgateway.common.messages.DlqEntry;
import dev.wfgateway.common.messages.DlqFilter;
import dev.wfgateway.dlq.DeadLetterStore.Removal;
import dev.wfgateway.dlq.FakeDeadLetterStore.RemoveCall;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxTestContext;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Redrive over a fake store and fake timers, submitting on a real event bus to a stand-in for the
 * workflow verticle: the pace, exactly, on the fake timers; which entries a retry's filter redrives;
 * what stays when a submission fails. Each test drives the redrive in one turn of one context, so
 * submissions (noted as they are sent) count exactly what each tick released; the replies follow.
 */
class RedriveTest extends OnTestVertx {
  private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

  private final TestClock clock = new TestClock(T0);
  private final FakeDeadLetterStore store = new FakeDeadLetterStore(clock);
  private final FakeTimers timers = new FakeTimers();
  /** Every submission, noted on the sender's thread as Redrive sends it. */
  private final List<JsonObject> sent = new ArrayList<>();

  @BeforeEach
  void startWorkflowStandIn(VertxTestContext testContext) {
    vertx.eventBus().addOutboundInterceptor(delivery -> {
      if (Addresses.WORKFLOW_SUBMIT.equals(delivery.message().address())) {
        sent.add((JsonObject) delivery.body());
      }
      delivery.next();
    });
    // Accepts every submission as run "rerun-<the entry's run>", except those of workflow "broken".
    vertx.eventBus().<JsonObject>consumer(Addresses.WORKFLOW_SUBMIT, msg -> {
      if ("broken".equals(msg.body().getString("workflow"))) {
        msg.fail(503, "{\"status\":503}");
      } else {
        msg.reply(new JsonObject().put("runId", "rerun-" + originalRun(msg.body())).put("status", "queued"));
      }
    }).completion().onComplete(testContext.succeedingThenComplete());
  }

  private static String originalRun(JsonObject submission) {
    return submission.getJsonObject("input").getString("eventId").substring("ev-".length());
  }

  private List<String> sentRuns() {
    return sent.stream().map(RedriveTest::originalRun).toList();
  }

  /** Stores the entry; returns it with the id the store gave it. */
  private DlqEntry stored(DlqEntry entry) {
    return entry.withId(store.add(entry).result());
  }

  private DlqEntry stored(String tenant, String workflow, String reason, String runId) {
    return stored(Entries.entry(tenant, workflow, reason, runId));
  }

  /** Stores entries of tenant acme, workflow risk-check, runs r0, r1, ...; returns them with their ids. */
  private List<DlqEntry> stored(int count) {
    return IntStream.range(0, count).mapToObj(i -> stored("acme", "risk-check", "timeout", "r" + i)).toList();
  }

  private static List<String> runs(int from, int to) {
    return IntStream.range(from, to).mapToObj(i -> "r" + i).toList();
  }

  private static List<String> reruns(int from, int to) {
    return runs(from, to).stream().map(r -> "rerun-" + r).toList();
  }

  private Redrive redrive(int ratePerSecond) {
    return new Redrive(vertx.eventBus(), timers, store, ratePerSecond);
  }

  // ---- the pace ----

  @Test
  void atARateThatDivides1000OneGoesOutEachPeriodTheFirstAPeriodAfterTheRedrive(VertxTestContext testContext) {
    List<DlqEntry> entries = stored(5);
    onContext(testContext, () -> {
      Future<List<String>> runIds = redrive(20).redrive(entries, null);
      assertThat(timers.periodsStarted).containsExactly(50L);
      assertThat(sent).isEmpty();
      timers.advance(49);
      assertThat(sent).isEmpty();
      timers.advance(1);
      assertThat(sentRuns()).containsExactly("r0");
      timers.advance(49);
      assertThat(sent).hasSize(1);
      timers.advance(1);
      assertThat(sentRuns()).containsExactly("r0", "r1");
      timers.advance(150);
      assertThat(sentRuns()).containsExactly("r0", "r1", "r2", "r3", "r4");
      assertThat(timers.running()).as("the pacing stops with nothing left").isZero();

      runIds.onComplete(testContext.succeeding(ids -> testContext.verify(() -> {
        assertThat(ids).containsExactlyElementsOf(reruns(0, 5));
        assertThat(store.entries("acme")).isEmpty();
        assertThat(store.removeCalls).extracting(RemoveCall::why).containsOnly(Removal.REDRIVEN).hasSize(5);
        testContext.completeNow();
      })));
    });
  }

  @Test
  void eachSecondSendsExactlyTheRate(VertxTestContext testContext) {
    List<DlqEntry> entries = stored(45);
    onContext(testContext, () -> {
      Future<List<String>> runIds = redrive(20).redrive(entries, null);
      timers.advance(1000);
      assertThat(sent).hasSize(20);
      timers.advance(1000);
      assertThat(sent).hasSize(40);
      timers.advance(249);
      assertThat(sent).hasSize(44);
      timers.advance(1);
      assertThat(sentRuns()).containsExactlyElementsOf(runs(0, 45));
      runIds.onComplete(testContext.succeeding(ids -> testContext.verify(() -> {
        assertThat(ids).containsExactlyElementsOf(reruns(0, 45));
        testContext.completeNow();
      })));
    });
  }

  @Test
  void aRateAbove1000SendsItsShareEveryMillisecondCarryingTheFraction(VertxTestContext testContext) {
    List<DlqEntry> entries = stored(3000);
    onContext(testContext, () -> {
      Future<List<String>> runIds = redrive(2500).redrive(entries, null);
      assertThat(timers.periodsStarted).containsExactly(1L);
      List<Integer> perMillisecond = new ArrayList<>();
      for (int ms = 0; ms < 4; ms++) {
        int before = sent.size();
        timers.advance(1);
        perMillisecond.add(sent.size() - before);
      }
      assertThat(perMillisecond).containsExactly(2, 3, 2, 3);
      timers.advance(996);
      assertThat(sent).hasSize(2500);
      timers.advance(199);
      assertThat(sent).hasSize(2997);
      timers.advance(1);
      assertThat(sent).hasSize(3000);
      assertThat(timers.running()).isZero();
      runIds.onComplete(testContext.succeeding(ids -> testContext.verify(() -> {
        assertThat(ids).hasSize(3000).doesNotHaveDuplicates();
        testContext.completeNow();
      })));
    });
  }

  @Test
  void theSlowestRateSendsOneASecond(VertxTestContext testContext) {
    List<DlqEntry> entries = stored(2);
    onContext(testContext, () -> {
      Future<List<String>> runIds = redrive(1).redrive(entries, null);
      timers.advance(999);
      assertThat(sent).isEmpty();
      timers.advance(1);
      assertThat(sent).hasSize(1);
      timers.advance(999);
      assertThat(sent).hasSize(1);
      timers.advance(1);
      assertThat(sent).hasSize(2);
      runIds.onComplete(testContext.succeeding(ids -> testContext.verify(() -> {
        assertThat(ids).containsExactlyElementsOf(reruns(0, 2));
        testContext.completeNow();
      })));
    });
  }

  @Test
  void redrivesAskedForWhileOneIsPacedShareItsTimerAndItsRate(VertxTestContext testContext) {
    List<DlqEntry> entries = stored(5);
    onContext(testContext, () -> {
      Redrive redrive = redrive(20);
      Future<List<String>> first = redrive.redrive(entries.subList(0, 3), null);
      timers.advance(50);
      Future<List<String>> second = redrive.redrive(entries.subList(3, 5), null);
      assertThat(timers.periodsStarted).hasSize(1);
      timers.advance(100);
      assertThat(sentRuns()).containsExactly("r0", "r1", "r2");
      timers.advance(100);
      assertThat(sentRuns()).containsExactly("r0", "r1", "r2", "r3", "r4");
      assertThat(timers.running()).isZero();

      // Once idle, the next redrive starts afresh: its first submission waits a whole period again.
      Future<List<String>> third = redrive.redrive(List.of(stored("acme", "risk-check", "timeout", "r5")), null);
      assertThat(timers.periodsStarted).containsExactly(50L, 50L);
      timers.advance(49);
      assertThat(sent).hasSize(5);
      timers.advance(1);
      assertThat(sent).hasSize(6);

      Future.all(first, second, third).onComplete(testContext.succeeding(all -> testContext.verify(() -> {
        assertThat(first.result()).containsExactlyElementsOf(reruns(0, 3));
        assertThat(second.result()).containsExactlyElementsOf(reruns(3, 5));
        assertThat(third.result()).containsExactly("rerun-r5");
        testContext.completeNow();
      })));
    });
  }

  @Test
  void closingDropsWhatIsNotYetSentAndLeavesItsEntries(VertxTestContext testContext) {
    List<DlqEntry> entries = stored(5);
    onContext(testContext, () -> {
      Redrive redrive = redrive(20);
      Future<List<String>> runIds = redrive.redrive(entries, null);
      timers.advance(100);
      redrive.close();
      assertThat(timers.running()).isZero();
      timers.advance(1000);
      assertThat(sentRuns()).containsExactly("r0", "r1");
      runIds.onComplete(testContext.succeeding(ids -> testContext.verify(() -> {
        assertThat(ids).containsExactly("rerun-r0", "rerun-r1");
        assertThat(store.entries("acme")).extracting(DlqEntry::runId).containsExactly("r2", "r3", "r4");
        testContext.completeNow();
      })));
    });
  }

  // ---- what a submission is, and what stays ----

  @Test
  void eachSubmissionIsANewAsyncRunOfTheEntryMarkedAsARedrive(VertxTestContext testContext) {
    DlqEntry twiceRedriven = stored(DlqEntry.fromJson(Entries.json("acme", "payout", "timeout", "r0")
        .put("redriveCount", 2)));
    DlqEntry fresh = stored("acme", "payout", "timeout", "r1");
    onContext(testContext, () -> {
      Redrive redrive = redrive(1000);
      Future<List<String>> asked = redrive.redrive(List.of(twiceRedriven), "req-of-the-retry");
      Future<List<String>> own = redrive.redrive(List.of(fresh), null);
      timers.advance(2);
      assertThat(sent).hasSize(2);
      assertThat(sent.get(0)).isEqualTo(new JsonObject().put("tenant", "acme").put("workflow", "payout")
          .put("input", new JsonObject().put("eventId", "ev-r0").put("amount", 42)).put("async", true)
          .put("requestId", "req-of-the-retry").put("source", "redrive").put("redriveCount", 3));
      assertThat(sent.get(1).getString("requestId")).as("the entry's own request").isEqualTo("req-r1");
      assertThat(sent.get(1).getInteger("redriveCount")).isEqualTo(1);
      Future.all(asked, own).onComplete(testContext.succeedingThenComplete());
    });
  }

  @Test
  void anEntryWhoseSubmissionFailsStaysAndIsLeftOutOfTheResult(VertxTestContext testContext) {
    List<DlqEntry> entries = List.of(stored("acme", "risk-check", "timeout", "r0"),
        stored("acme", "broken", "timeout", "b0"), stored("acme", "risk-check", "timeout", "r1"));
    onContext(testContext, () -> {
      Future<List<String>> runIds = redrive(1000).redrive(entries, null);
      timers.advance(3);
      assertThat(sentRuns()).as("the failed one used its slot").containsExactly("r0", "b0", "r1");
      runIds.onComplete(testContext.succeeding(ids -> testContext.verify(() -> {
        assertThat(ids).containsExactly("rerun-r0", "rerun-r1");
        assertThat(store.entries("acme")).extracting(DlqEntry::runId).containsExactly("b0");
        assertThat(store.removeCalls).extracting(RemoveCall::ids)
            .containsExactly(List.of(entries.get(0).id()), List.of(entries.get(2).id()));
        testContext.completeNow();
      })));
    });
  }

  @Test
  void aRunStartedForAnEntryTheStoreCannotRemoveIsStillAnswered(VertxTestContext testContext) {
    List<DlqEntry> entries = stored(1);
    store.failRemovals = true;
    onContext(testContext, () -> {
      Future<List<String>> runIds = redrive(1000).redrive(entries, null);
      timers.advance(1);
      runIds.onComplete(testContext.succeeding(ids -> testContext.verify(() -> {
        assertThat(ids).containsExactly("rerun-r0");
        assertThat(store.removeCalls).containsExactly(new RemoveCall("acme", List.of(entries.get(0).id()),
            Removal.REDRIVEN));
        testContext.completeNow();
      })));
    });
  }

  // ---- which entries a retry redrives ----

  static Stream<Arguments> filters() {
    String p2 = T0.toEpochMilli() + "-2";
    return Stream.of(
        Arguments.of(new DlqFilter("acme", null, null, null, null), List.of("r1", "p1", "p2", "needle-r2")),
        Arguments.of(new DlqFilter("acme", null, "payout", null, null), List.of("p1", "p2")),
        Arguments.of(new DlqFilter("acme", null, null, "timeout", null), List.of("r1", "p1")),
        Arguments.of(new DlqFilter("acme", null, "payout", "lock_lost", null), List.of("p2")),
        Arguments.of(new DlqFilter("acme", null, null, null, "needle"), List.of("needle-r2")),
        Arguments.of(new DlqFilter("acme", p2, null, null, null), List.of("p2")),
        Arguments.of(new DlqFilter("globex", p2, null, null, null), List.of("g-p2")),
        Arguments.of(new DlqFilter(null, null, null, "lock_lost", null), List.of("p2", "g-p2")),
        Arguments.of(new DlqFilter("initech", null, null, null, null), List.of()));
  }

  @ParameterizedTest
  @MethodSource("filters")
  void aRetryRedrivesExactlyWhatItsFilterSelectsAndLeavesTheRest(DlqFilter filter, List<String> expected,
      VertxTestContext testContext) {
    stored("acme", "risk-check", "timeout", "r1");
    stored("acme", "payout", "timeout", "p1");
    stored("acme", "payout", "lock_lost", "p2");
    stored("acme", "risk-check", "circuit_open", "needle-r2");
    stored("globex", "risk-check", "timeout", "g-r1");
    stored("globex", "risk-check", "timeout", "g-r2");
    stored("globex", "payout", "lock_lost", "g-p2");
    DeadLetterQueue queue = new DeadLetterQueue(store, clock);
    List<String> everything = List.of("acme/r1", "acme/p1", "acme/p2", "acme/needle-r2", "globex/g-r1",
        "globex/g-r2", "globex/g-p2");
    onContext(testContext, () -> {
      Future<List<String>> runIds = queue.select(filter).compose(entries -> redrive(1000).redrive(entries, null));
      timers.advance(everything.size());
      assertThat(sentRuns()).containsExactlyElementsOf(expected);
      runIds.onComplete(testContext.succeeding(ids -> testContext.verify(() -> {
        assertThat(ids).containsExactlyElementsOf(expected.stream().map(r -> "rerun-" + r).toList());
        List<String> left = Stream.of("acme", "globex").flatMap(t -> store.entries(t).stream())
            .map(e -> e.tenant() + "/" + e.runId()).toList();
        assertThat(left).containsExactlyElementsOf(everything.stream()
            .filter(e -> !expected.contains(e.substring(e.indexOf('/') + 1))).toList());
        testContext.completeNow();
      })));
    });
  }
}
