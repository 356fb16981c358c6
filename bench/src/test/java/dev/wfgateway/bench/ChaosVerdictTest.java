package dev.wfgateway.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ChaosVerdictTest {
  private static final long MS = 1_000_000;

  @Test
  void recoveryEndsAtTheFirstSuccessAfterTheLastFailure() {
    List<ChaosAnswer> answers = List.of(
        answer(0, 5, 502), answer(110, 150, 503), answer(120, 130, 200), answer(130, 300, 502),
        answer(140, 190, 200), answer(150, 160, 200));
    assertThat(ChaosVerdict.recoveryMillis(answers, 100 * MS)).isEqualTo(90);
  }

  @Test
  void noSuccessAfterTheHealMeansNoRecovery() {
    assertThat(ChaosVerdict.recoveryMillis(List.of(answer(110, 120, 503)), 100 * MS)).isEqualTo(-1);
  }

  private static ChaosAnswer answer(long sentMs, long answeredMs, int status) {
    return new ChaosAnswer(sentMs * MS, answeredMs * MS, status, null);
  }
}
