package dev.wfgateway.bench;

import dev.wfgateway.testkit.Await;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * What a chaos run's answers add up to. An answer is accounted for when it is a 200, a 503 (a
 * dependency was down and nothing ran), a failure carrying a {@code dlqId} whose entry exists, or a
 * failure answered without one (the DLQ was away) whose run was dead-lettered later, once the DLQ
 * was back; anything else, and every request left without an answer, is <em>lost</em>. Recovery is the time from the heal to the first success
 * after which every later-sent request succeeded.
 */
record ChaosVerdict(Map<Integer, Integer> statuses, long succeeded, long deadLettered, long refused, long deadLetteredLate,
    long lost, Map<String, Integer> lostByKind, long duplicates, long recoveryMillis) {

  static final Duration CHECK_TIMEOUT = Duration.ofSeconds(30);

  boolean passed() {
    return lost == 0 && duplicates == 0 && recoveryMillis >= 0;
  }

  String lostKinds() {
    return lostByKind.isEmpty() ? "" : " " + lostByKind;
  }

  static ChaosVerdict judge(List<ChaosAnswer> answers, long unanswered, long healedNanos, long duplicates,
      Function<String, Future<Boolean>> dlqEntryExists, Function<String, Future<Boolean>> runDeadLetteredLate) {
    long succeeded = 0;
    long deadLettered = 0;
    long refused = 0;
    long deadLetteredLate = 0;
    Map<String, Integer> lost = new TreeMap<>();
    Map<Integer, Integer> statuses = new TreeMap<>();
    if (unanswered > 0) {
      lost.put("no answer", (int) unanswered);
    }
    for (ChaosAnswer answer : answers) {
      statuses.merge(answer.status(), 1, Integer::sum);
      String dlqId = answer.field("dlqId");
      String runId = answer.field("runId");
      if (answer.ok()) {
        succeeded++;
      } else if (answer.status() == 503) {
        refused++;
      } else if (dlqId != null && confirmed(() -> dlqEntryExists.apply(dlqId), "DLQ entry " + dlqId)) {
        deadLettered++;
      } else if (runId != null && confirmed(() -> runDeadLetteredLate.apply(runId), "run " + runId)) {
        deadLetteredLate++;
      } else {
        lost.merge(answer.status() == 0 ? "transport failure" : "HTTP " + answer.status()
            + (dlqId != null ? " dlqId not found" : ""), 1, Integer::sum);
      }
    }
    long lostCount = lost.values().stream().mapToLong(Integer::longValue).sum();
    return new ChaosVerdict(statuses, succeeded, deadLettered, refused, deadLetteredLate, lostCount, lost, duplicates,
        recoveryMillis(answers, healedNanos));
  }

  /**
   * A read-only check, asked a second time when the first gets no answer within
   * {@link #CHECK_TIMEOUT}: after the node-restart load the bench's HTTP client once sat on an
   * answer the gateway had logged as sent (200 in 2 ms). Two checks without an answer confirm
   * nothing, and the answer counts as lost.
   */
  private static boolean confirmed(Supplier<Future<Boolean>> check, String what) {
    for (int attempt = 1; attempt <= 2; attempt++) {
      try {
        return Await.result(check.get(), CHECK_TIMEOUT);
      } catch (AssertionError | RuntimeException e) {
        System.out.println("a chaos check of " + what + " got no answer (attempt " + attempt + "): " + e.getMessage());
      }
    }
    return false;
  }

  /** Milliseconds from the heal to the answer of the first success sent after the last failure sent after the heal; -1 if none. */
  static long recoveryMillis(List<ChaosAnswer> answers, long healedNanos) {
    List<ChaosAnswer> afterHeal = answers.stream().filter(a -> a.sentNanos() >= healedNanos)
        .sorted(Comparator.comparingLong(ChaosAnswer::sentNanos)).toList();
    int firstOfFinalSuccesses = afterHeal.size();
    while (firstOfFinalSuccesses > 0 && afterHeal.get(firstOfFinalSuccesses - 1).ok()) {
      firstOfFinalSuccesses--;
    }
    if (firstOfFinalSuccesses == afterHeal.size()) {
      return -1;
    }
    return Math.max(0, (afterHeal.get(firstOfFinalSuccesses).answeredNanos() - healedNanos) / 1_000_000);
  }
}
