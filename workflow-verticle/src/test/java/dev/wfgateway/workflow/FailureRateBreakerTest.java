package dev.wfgateway.workflow;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wfgateway.common.config.CircuitBreakerConfig;
import dev.wfgateway.workflow.FailureRateBreaker.State;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FailureRateBreakerTest {
  private static final long MS = 1_000_000L;
  private final List<State> changes = new ArrayList<>();
  private long now = 1_000_000 * MS;

  private FailureRateBreaker breaker(Duration slowCall) {
    return new FailureRateBreaker(new CircuitBreakerConfig("b", 0.5, 10, Duration.ofSeconds(10),
        Duration.ofSeconds(5), 3, slowCall, 0.5), b -> changes.add(b.state(now)));
  }

  private void calls(FailureRateBreaker breaker, int n, boolean success) {
    for (int i = 0; i < n; i++) {
      assertThat(breaker.tryAcquire(now)).isTrue();
      breaker.onResult(success, MS, now);
    }
  }

  @Test
  void doesNotOpenBeforeTheMinimumNumberOfCalls() {
    FailureRateBreaker breaker = breaker(null);
    calls(breaker, 9, false);
    assertThat(breaker.state(now)).isEqualTo(State.CLOSED);
    calls(breaker, 1, false);
    assertThat(breaker.state(now)).isEqualTo(State.OPEN);
  }

  @Test
  void opensAtTheFailureRateNotBelowIt() {
    FailureRateBreaker breaker = breaker(null);
    calls(breaker, 6, true);
    calls(breaker, 5, false); // 5 of 11 = 45 %
    assertThat(breaker.state(now)).isEqualTo(State.CLOSED);
    calls(breaker, 1, false); // 6 of 12 = 50 %
    assertThat(breaker.state(now)).isEqualTo(State.OPEN);
  }

  @Test
  void aSingleSuccessDoesNotResetTheCount() {
    FailureRateBreaker breaker = breaker(null);
    calls(breaker, 8, false);
    calls(breaker, 1, true);
    calls(breaker, 1, false);
    assertThat(breaker.state(now)).isEqualTo(State.OPEN);
  }

  @Test
  void oldCallsAgeOutOfTheWindow() {
    FailureRateBreaker breaker = breaker(null);
    calls(breaker, 9, false);
    now += 11_000 * MS;
    calls(breaker, 1, false);
    assertThat(breaker.state(now)).isEqualTo(State.CLOSED);
  }

  @Test
  void failsFastWhileOpenThenProbesAndClosesAfterAllProbesSucceed() {
    FailureRateBreaker breaker = breaker(null);
    calls(breaker, 10, false);
    assertThat(breaker.tryAcquire(now)).isFalse();
    now += 4_999 * MS;
    assertThat(breaker.tryAcquire(now)).isFalse();
    now += MS;
    assertThat(breaker.state(now)).isEqualTo(State.HALF_OPEN);
    assertThat(breaker.tryAcquire(now)).isTrue();
    assertThat(breaker.tryAcquire(now)).isTrue();
    assertThat(breaker.tryAcquire(now)).isTrue();
    assertThat(breaker.tryAcquire(now)).as("only three probes").isFalse();
    breaker.onResult(true, MS, now);
    breaker.onResult(true, MS, now);
    assertThat(breaker.state(now)).isEqualTo(State.HALF_OPEN);
    breaker.onResult(true, MS, now);
    assertThat(breaker.state(now)).isEqualTo(State.CLOSED);
    assertThat(changes).containsExactly(State.OPEN, State.HALF_OPEN, State.CLOSED);
  }

  @Test
  void aFailedProbeOpensItAgain() {
    FailureRateBreaker breaker = breaker(null);
    calls(breaker, 10, false);
    now += 5_000 * MS;
    assertThat(breaker.tryAcquire(now)).isTrue();
    breaker.onResult(true, MS, now);
    assertThat(breaker.tryAcquire(now)).isTrue();
    breaker.onResult(false, MS, now);
    assertThat(breaker.state(now)).isEqualTo(State.OPEN);
    assertThat(breaker.tryAcquire(now)).isFalse();
  }

  @Test
  void slowCallsCountWhenConfigured() {
    FailureRateBreaker breaker = breaker(Duration.ofMillis(100));
    for (int i = 0; i < 10; i++) {
      assertThat(breaker.tryAcquire(now)).isTrue();
      breaker.onResult(true, 150 * MS, now);
    }
    assertThat(breaker.state(now)).isEqualTo(State.OPEN);
  }

  @Test
  void peekingReportsTheHalfOpenStateWithoutMovingToIt() {
    FailureRateBreaker breaker = breaker(null);
    calls(breaker, 10, false);
    now += 5_000 * MS;

    assertThat(breaker.peekState(now)).isEqualTo(State.HALF_OPEN);
    assertThat(breaker.describe(now).getString("state")).isEqualTo("half_open");
    assertThat(breaker.failureRate(now)).isEqualTo(1.0);
    assertThat(changes).as("nothing moved, nothing published").containsExactly(State.OPEN);

    assertThat(breaker.tryAcquire(now)).isTrue();
    assertThat(changes).containsExactly(State.OPEN, State.HALF_OPEN);
  }

  @Test
  void resetClosesAndForgets() {
    FailureRateBreaker breaker = breaker(null);
    calls(breaker, 10, false);
    breaker.reset(now);
    assertThat(breaker.state(now)).isEqualTo(State.CLOSED);
    calls(breaker, 9, false);
    assertThat(breaker.state(now)).isEqualTo(State.CLOSED);
  }
}
