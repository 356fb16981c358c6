package dev.wfgateway.bench;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;

/**
 * Decides one throughput-ceiling search: which offered rate to step to next, when to stop, and
 * which rate to report. From the start rate it multiplies by {@code factor} while steps pass
 * (divides while they fail, down to {@code minRate}, when even the start rate fails), then bisects
 * between the highest passing and the lowest failing rate {@code bisections} times. A step on
 * which the load generator fell behind its own schedule measured nothing about the target: it
 * bounds the search from above like a failure, and the report says the generator was the limit.
 * The search also stops as soon as the time left is shorter than one step.
 */
final class CeilingSearch {
  enum Verdict { PASS, FAIL, GENERATOR_BEHIND }

  /** One measured step; {@code why} says what failed (empty on a pass); {@code result} may be null in tests. */
  record Step(double rate, Verdict verdict, String why, LoadResult result) {
  }

  /** The outcome: the highest passing step (null if none passed), what bounded it, and every step in order. */
  record Ceiling(Step atCeiling, String note, List<Step> steps) {
    double rate() {
      return atCeiling == null ? 0 : atCeiling.rate();
    }
  }

  private final double startRate;
  private final double factor;
  private final int bisections;
  private final double minRate;
  private final InstantSource clock;
  private final Instant deadline;
  private final Duration stepTime;
  private final List<Step> steps = new ArrayList<>();
  private Step highestPass;
  private Step lowestMiss;
  private int bisectionSteps;

  /** {@code stepTime}: the longest one step takes; the search starts none that would end after {@code budget}. */
  CeilingSearch(double startRate, double factor, int bisections, double minRate, InstantSource clock, Duration budget,
      Duration stepTime) {
    if (startRate < minRate || factor <= 1 || bisections < 0) {
      throw new IllegalArgumentException("need startRate >= minRate, factor > 1, bisections >= 0");
    }
    this.startRate = startRate;
    this.factor = factor;
    this.bisections = bisections;
    this.minRate = minRate;
    this.clock = clock;
    this.deadline = clock.instant().plus(budget);
    this.stepTime = stepTime;
  }

  /** The rate of the next step, or empty when the search is over. */
  OptionalDouble next() {
    return outOfTime() ? OptionalDouble.empty() : plannedRate();
  }

  /** The rate the search would step to next if time allowed; empty once it has ended on its own. */
  private OptionalDouble plannedRate() {
    if (highestPass == null && lowestMiss == null) {
      return OptionalDouble.of(startRate);
    }
    if (lowestMiss == null) {
      return OptionalDouble.of(Math.round(highestPass.rate() * factor));
    }
    if (highestPass == null) {
      double lower = Math.round(lowestMiss.rate() / factor);
      return lower < minRate ? OptionalDouble.empty() : OptionalDouble.of(lower);
    }
    double middle = Math.round((highestPass.rate() + lowestMiss.rate()) / 2);
    boolean resolved = middle <= highestPass.rate() || middle >= lowestMiss.rate();
    return bisectionSteps >= bisections || resolved ? OptionalDouble.empty() : OptionalDouble.of(middle);
  }

  void record(Step step) {
    if (highestPass != null && lowestMiss != null) {
      bisectionSteps++;
    }
    steps.add(step);
    if (step.verdict() == Verdict.PASS) {
      if (highestPass == null || step.rate() > highestPass.rate()) {
        highestPass = step;
      }
    } else if (lowestMiss == null || step.rate() < lowestMiss.rate()) {
      lowestMiss = step;
    }
  }

  Ceiling result() {
    return new Ceiling(highestPass, note(), List.copyOf(steps));
  }

  private String note() {
    String timeBound = plannedRate().isPresent() ? "; stopped by the time bound" : "";
    if (lowestMiss == null) {
      return highestPass == null ? "no step ran" + timeBound
          : "still passing at " + rate(highestPass.rate()) + ": the ceiling is higher" + timeBound;
    }
    String above = lowestMiss.verdict() == Verdict.GENERATOR_BEHIND
        ? "generator behind its schedule at " + rate(lowestMiss.rate()) + " (" + lowestMiss.why()
            + "): the ceiling may be higher"
        : "failed at " + rate(lowestMiss.rate()) + ": " + lowestMiss.why();
    return (highestPass == null ? "nothing passed; lowest step " : "") + above + timeBound;
  }

  private boolean outOfTime() {
    return clock.instant().plus(stepTime).isAfter(deadline);
  }

  private static String rate(double rate) {
    return String.format(Locale.ROOT, "%,.0f/s", rate);
  }
}
