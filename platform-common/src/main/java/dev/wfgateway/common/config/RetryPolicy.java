package dev.wfgateway.common.config;

import java.time.Duration;
import java.util.Map;

/** Temporal-style retry policy; {@code maxAttempts} counts the first call. */
public record RetryPolicy(int maxAttempts, Duration initialInterval, double backoffCoefficient,
    Duration maximumInterval, Jitter jitter) {

  public enum Jitter { NONE, FULL, EQUAL }

  public static final Map<String, RetryPolicy> PRESETS = Map.of(
      "none", new RetryPolicy(1, Duration.ofMillis(100), 1.0, Duration.ofMillis(100), Jitter.NONE),
      "fast", new RetryPolicy(3, Duration.ofMillis(50), 2.0, Duration.ofMillis(500), Jitter.FULL),
      "standard", new RetryPolicy(5, Duration.ofMillis(200), 2.0, Duration.ofSeconds(5), Jitter.FULL),
      "patient", new RetryPolicy(8, Duration.ofSeconds(1), 2.0, Duration.ofSeconds(60), Jitter.FULL),
      "aggressive", new RetryPolicy(10, Duration.ofMillis(25), 1.5, Duration.ofSeconds(1), Jitter.FULL));

  /**
   * The wait before attempt {@code nextAttempt} (2 for the first retry), capped before the jitter is
   * applied so that retries never synchronise at the maximum. {@code random} is in [0, 1).
   */
  public long delayMillis(int nextAttempt, double random) {
    double base = initialInterval.toMillis() * Math.pow(backoffCoefficient, Math.max(0, nextAttempt - 2));
    double capped = Math.min(base, maximumInterval.toMillis());
    return switch (jitter) {
      case NONE -> Math.round(capped);
      case FULL -> (long) (capped * random);
      case EQUAL -> (long) (capped / 2 + capped / 2 * random);
    };
  }
}
