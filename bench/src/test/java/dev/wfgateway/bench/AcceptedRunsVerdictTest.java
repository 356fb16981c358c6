package dev.wfgateway.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AcceptedRunsVerdictTest {
  private static final long MS = 1_000_000;
  private static final long KILLED = 100 * MS;
  private static final long RESTARTED = 200 * MS;
  private static final long UP = 300 * MS;

  @Test
  void aRequestTheDownNodeCouldNotAnswerIsRefusedNotLost() {
    List<ChaosAnswer> answers = List.of(accepted(0, 10, "a"), unanswered(90, 100), unanswered(250, 251),
        accepted(310, 320, "b"));
    AcceptedRunsVerdict verdict = AcceptedRunsVerdict.judge(answers, KILLED, RESTARTED, UP,
        Map.of("a", finished("succeeded", null), "b", finished("succeeded", null)), dlqId -> false);
    assertThat(verdict.refusedWhileDown()).isEqualTo(2);
    assertThat(verdict.unexpected()).isEmpty();
    assertThat(verdict.outcomesBeforeKill()).containsEntry("succeeded", 1);
    assertThat(verdict.outcomesAfterKill()).containsEntry("succeeded", 1);
    assertThat(verdict.recoveryMillis()).isEqualTo(120);
    assertThat(verdict.passed()).isTrue();
  }

  @Test
  void aRunAnswered202ThatIsUnknownUnfinishedOrWithoutItsEntryIsLost() {
    List<ChaosAnswer> answers = List.of(accepted(0, 10, "unknown"), accepted(20, 30, "stuck"),
        accepted(40, 50, "found"), accepted(60, 70, "missing"));
    AcceptedRunsVerdict verdict = AcceptedRunsVerdict.judge(answers, KILLED, RESTARTED, UP, Map.of(
        "unknown", new RunPoller.Check(404, null),
        "stuck", new RunPoller.Check(200, new JsonObject().put("status", "running")),
        "found", finished("dead_lettered", "dlq-found"),
        "missing", finished("dead_lettered", "dlq-missing")), "dlq-found"::equals);
    assertThat(verdict.lost()).containsOnly(Map.entry("unknown (404)", 1), Map.entry("unfinished: running", 1),
        Map.entry("dead-lettered, DLQ entry missing", 1));
    assertThat(verdict.deadLetteredFound()).isEqualTo(1);
    assertThat(verdict.passed()).isFalse();
  }

  @Test
  void noAnswerWhileTheNodeWasUpIsUnexpected() {
    AcceptedRunsVerdict verdict = AcceptedRunsVerdict.judge(List.of(unanswered(20, 30), unanswered(320, 330)),
        KILLED, RESTARTED, UP, Map.of(), dlqId -> false);
    assertThat(verdict.unexpected()).containsOnly(Map.entry("no answer while the node was up", 2));
    assertThat(verdict.passed()).isFalse();
  }

  private static ChaosAnswer accepted(long sentMs, long answeredMs, String runId) {
    return new ChaosAnswer(sentMs * MS, answeredMs * MS, 202, new JsonObject().put("runId", runId).put("status", "queued"));
  }

  private static ChaosAnswer unanswered(long sentMs, long answeredMs) {
    return new ChaosAnswer(sentMs * MS, answeredMs * MS, 0, null);
  }

  private static RunPoller.Check finished(String status, String dlqId) {
    return new RunPoller.Check(200, new JsonObject().put("status", status).put("dlqId", dlqId));
  }
}
