package dev.wfgateway.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wfgateway.bench.CeilingSearch.Ceiling;
import dev.wfgateway.bench.CeilingSearch.Step;
import dev.wfgateway.bench.CeilingSearch.Verdict;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.OptionalDouble;
import java.util.function.DoubleFunction;
import org.junit.jupiter.api.Test;

class CeilingSearchTest {
  private static final Duration STEP = Duration.ofSeconds(10);
  private static final Duration AMPLE = Duration.ofHours(1);

  /** The search's clock: it stands still until a step moves it on. */
  private Instant now = Instant.parse("2026-12-01T00:00:00Z");
  private final InstantSource clock = () -> now;

  @Test
  void doublesUntilAStepFailsThenBisectsAndReportsTheHighestPassingRate() {
    Ceiling ceiling = drive(search(1000, AMPLE), rate -> rate <= 3300 ? Verdict.PASS : Verdict.FAIL);
    assertThat(ceiling.steps()).extracting(Step::rate).containsExactly(1000.0, 2000.0, 4000.0, 3000.0, 3500.0, 3250.0,
        3375.0);
    assertThat(ceiling.rate()).isEqualTo(3250);
    assertThat(ceiling.note()).isEqualTo("failed at 3,375/s: too slow");
  }

  @Test
  void aFailingStartRateStepsDownUntilOnePassesThenBisectsAbove() {
    Ceiling ceiling = drive(search(1000, AMPLE), rate -> rate <= 300 ? Verdict.PASS : Verdict.FAIL);
    assertThat(ceiling.steps()).extracting(Step::rate).startsWith(1000.0, 500.0, 250.0, 375.0);
    assertThat(ceiling.rate()).isBetween(250.0, 300.0);
  }

  @Test
  void whenNothingPassesItStopsBelowTheMinimumRateAndReportsNoCeiling() {
    Ceiling ceiling = drive(search(1000, AMPLE), rate -> Verdict.FAIL);
    assertThat(ceiling.steps()).extracting(Step::rate).containsExactly(1000.0, 500.0, 250.0, 125.0, 63.0);
    assertThat(ceiling.atCeiling()).isNull();
    assertThat(ceiling.rate()).isZero();
    assertThat(ceiling.note()).isEqualTo("nothing passed; lowest step failed at 63/s: too slow");
  }

  @Test
  void aStepTheGeneratorFellBehindOnBoundsTheSearchAndTheReportSaysSo() {
    Ceiling ceiling = drive(search(1000, AMPLE), rate -> rate >= 12_000 ? Verdict.GENERATOR_BEHIND : Verdict.PASS);
    assertThat(ceiling.steps()).extracting(Step::rate).containsExactly(1000.0, 2000.0, 4000.0, 8000.0, 16_000.0,
        12_000.0, 10_000.0, 11_000.0, 11_500.0);
    assertThat(ceiling.rate()).isEqualTo(11_500);
    assertThat(ceiling.note()).startsWith("generator behind its schedule at 12,000/s (too slow)");
  }

  @Test
  void noStepStartsThatWouldEndAfterTheTimeBound() {
    Ceiling ceiling = drive(search(1000, STEP.multipliedBy(7).dividedBy(2)), rate -> Verdict.PASS);
    assertThat(ceiling.steps()).extracting(Step::rate).containsExactly(1000.0, 2000.0, 4000.0);
    assertThat(ceiling.note()).isEqualTo("still passing at 4,000/s: the ceiling is higher; stopped by the time bound");
  }

  @Test
  void theTimeBoundCanCutTheBisectionShort() {
    Ceiling ceiling = drive(search(1000, STEP.multipliedBy(5)), rate -> rate <= 3300 ? Verdict.PASS : Verdict.FAIL);
    assertThat(ceiling.steps()).extracting(Step::rate).containsExactly(1000.0, 2000.0, 4000.0, 3000.0, 3500.0);
    assertThat(ceiling.rate()).isEqualTo(3000);
    assertThat(ceiling.note()).isEqualTo("failed at 3,500/s: too slow; stopped by the time bound");
  }

  @Test
  void bisectionEndsEarlyWhenNoWholeRateIsLeftBetweenPassAndFail() {
    CeilingSearch search = new CeilingSearch(2, 2, 4, 1, clock, AMPLE, STEP);
    Ceiling ceiling = drive(search, rate -> rate <= 3 ? Verdict.PASS : Verdict.FAIL);
    assertThat(ceiling.steps()).extracting(Step::rate).containsExactly(2.0, 4.0, 3.0);
    assertThat(ceiling.rate()).isEqualTo(3);
    assertThat(ceiling.note()).isEqualTo("failed at 4/s: too slow");
  }

  private CeilingSearch search(double startRate, Duration budget) {
    return new CeilingSearch(startRate, 2, 4, startRate / 16, clock, budget, STEP);
  }

  /** Runs the search against a fake target; each step takes {@link #STEP} on the clock; the loop is bounded. */
  private Ceiling drive(CeilingSearch search, DoubleFunction<Verdict> target) {
    for (int steps = 0; steps < 100; steps++) {
      OptionalDouble rate = search.next();
      if (rate.isEmpty()) {
        return search.result();
      }
      Verdict verdict = target.apply(rate.getAsDouble());
      now = now.plus(STEP);
      search.record(new Step(rate.getAsDouble(), verdict, verdict == Verdict.PASS ? "" : "too slow", null));
    }
    throw new AssertionError("the search did not stop within 100 steps");
  }
}
