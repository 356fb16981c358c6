package dev.wfgateway.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wfgateway.bench.CeilingSearch.Step;
import dev.wfgateway.bench.CeilingSearch.Verdict;
import org.junit.jupiter.api.Test;

class CeilingCriteriaTest {
  private final CeilingCriteria criteria = CeilingCriteria.withP99Bound(50);

  @Test
  void aTenthOfAPercentOfErrorsFailsAndLessPasses() {
    assertThat(judge(999, 1, 10, 1).verdict()).isEqualTo(Verdict.FAIL);
    assertThat(judge(1000, 1, 10, 1).verdict()).isEqualTo(Verdict.PASS);
  }

  @Test
  void aP99OverTheBoundFails() {
    assertThat(judge(1000, 0, 51, 1)).extracting(Step::verdict, Step::why)
        .containsExactly(Verdict.FAIL, "p99 51.0 ms > 50 ms");
    assertThat(judge(1000, 0, 49, 1).verdict()).isEqualTo(Verdict.PASS);
  }

  @Test
  void aSlowStepOnWhichTheGeneratorSentMoreThanATenthOfTheBoundLateIsNotValid() {
    assertThat(judge(1000, 0, 60, 6)).extracting(Step::verdict, Step::why)
        .containsExactly(Verdict.GENERATOR_BEHIND, "p99 60.0 ms > 50 ms, but sent 6.0 ms late at p99 > 5.0 ms");
    assertThat(judge(1000, 0, 60, 4).verdict()).isEqualTo(Verdict.FAIL);
  }

  @Test
  void aPassAndErrorsStandHoweverLateTheGeneratorSent() {
    assertThat(judge(1000, 0, 10, 6).verdict()).isEqualTo(Verdict.PASS);
    assertThat(judge(900, 100, 60, 6).verdict()).isEqualTo(Verdict.FAIL);
  }

  /** A step at 1000/s of {@code ok} answers all taking {@code latencyMillis}, {@code errors} errors, every request sent {@code lateMillis} late. */
  private Step judge(int ok, int errors, long latencyMillis, long lateMillis) {
    LoadResult result = new LoadResult("target", 1000);
    for (int i = 0; i < ok; i++) {
      result.latencyMicros.recordValue(latencyMillis * 1000);
      result.sendLagMicros.recordValue(lateMillis * 1000);
    }
    result.ok = ok;
    for (int i = 0; i < errors; i++) {
      result.countError("HTTP 503");
    }
    return criteria.judge(1000, result);
  }
}
