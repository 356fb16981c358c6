package dev.wfgateway.bench;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * What the async submits of a chaos run that killed its only node add up to. Every answer must be
 * a 202 with its run, or a request the node could not answer because it was down (sent before it
 * had started again, failed after the kill): the client never got a 202 for it. A run answered
 * 202 is <em>lost</em> if it is unknown (404) or unfinished at the end, or dead-lettered without
 * its DLQ entry. Recovery counts from the restart command to the first 202 after which every
 * later-sent request was answered 202.
 */
record AcceptedRunsVerdict(Map<Integer, Integer> statuses, long accepted, long refusedWhileDown,
    Map<String, Integer> unexpected, Map<String, Integer> outcomesBeforeKill, Map<String, Integer> outcomesAfterKill,
    long deadLetteredFound, Map<String, Integer> lost, long recoveryMillis) {

  boolean passed() {
    return unexpected.isEmpty() && lost.isEmpty() && recoveryMillis >= 0;
  }

  long lostCount() {
    return lost.values().stream().mapToLong(Integer::longValue).sum();
  }

  /** The runs answered 202, in the order they were sent. */
  static List<String> acceptedRunIds(List<ChaosAnswer> answers) {
    return answers.stream().filter(AcceptedRunsVerdict::accepted).map(a -> a.field("runId")).toList();
  }

  /**
   * @param runs the last check of every run in {@link #acceptedRunIds}
   * @param upNanos when the node had started again
   */
  static AcceptedRunsVerdict judge(List<ChaosAnswer> answers, long killedNanos, long restartNanos, long upNanos,
      Map<String, RunPoller.Check> runs, Predicate<String> dlqEntryExists) {
    Map<Integer, Integer> statuses = new TreeMap<>();
    Map<String, Integer> unexpected = new TreeMap<>();
    Map<String, Integer> beforeKill = new TreeMap<>();
    Map<String, Integer> afterKill = new TreeMap<>();
    Map<String, Integer> lost = new TreeMap<>();
    long accepted = 0;
    long refused = 0;
    long deadLetteredFound = 0;
    for (ChaosAnswer answer : answers) {
      statuses.merge(answer.status(), 1, Integer::sum);
      if (accepted(answer)) {
        accepted++;
        RunPoller.Check run = runs.get(answer.field("runId"));
        if (run.finished()) {
          (answer.answeredNanos() < killedNanos ? beforeKill : afterKill).merge(run.outcome(), 1, Integer::sum);
        }
        String loss = loss(run, dlqEntryExists);
        if (loss != null) {
          lost.merge(loss, 1, Integer::sum);
        } else if (run.deadLettered()) {
          deadLetteredFound++;
        }
      } else if (answer.status() == 0 && answer.answeredNanos() >= killedNanos && answer.sentNanos() < upNanos) {
        refused++;
      } else {
        unexpected.merge(answer.status() == 0 ? "no answer while the node was up" : "HTTP " + answer.status(), 1,
            Integer::sum);
      }
    }
    return new AcceptedRunsVerdict(statuses, accepted, refused, unexpected, beforeKill, afterKill, deadLetteredFound,
        lost, ChaosVerdict.recoveryMillis(answers, restartNanos));
  }

  /** Why a run answered 202 counts as lost; null when it does not. */
  private static String loss(RunPoller.Check run, Predicate<String> dlqEntryExists) {
    if (run.status() != 200) {
      return run.status() == 404 ? "unknown (404)" : run.status() == 0 ? "no answer to its GET"
          : "its GET answered HTTP " + run.status();
    }
    if (!run.finished()) {
      return "unfinished: " + run.record().getString("status");
    }
    String dlqId = run.record().getString("dlqId");
    return run.deadLettered() && (dlqId == null || !dlqEntryExists.test(dlqId)) ? "dead-lettered, DLQ entry missing"
        : null;
  }

  private static boolean accepted(ChaosAnswer answer) {
    return answer.status() == 202 && answer.field("runId") != null;
  }
}
