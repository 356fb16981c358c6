package dev.wfgateway.bench;

import dev.wfgateway.bench.CeilingSearch.Step;
import dev.wfgateway.bench.CeilingSearch.Verdict;
import java.util.Locale;

/**
 * What a ceiling step must show to pass: an error share under {@code maxErrorRate} and a p99 at or
 * under {@code p99BoundMillis}. Errors fail a step whatever the generator did; but a step whose
 * requests left more than {@code maxSendLagMillis} after their scheduled time (at p99) offered a
 * rate the generator could not keep, and its latencies include the generator's own delay, so its
 * p99 says nothing valid about the target.
 */
record CeilingCriteria(double p99BoundMillis, double maxErrorRate, double maxSendLagMillis) {
  /** The criteria: fewer than 0.1 % errors, and the generator late by at most a tenth of the p99 bound. */
  static CeilingCriteria withP99Bound(double p99BoundMillis) {
    return new CeilingCriteria(p99BoundMillis, 0.001, p99BoundMillis / 10);
  }

  Step judge(double rate, LoadResult result) {
    if (result.errorRate() >= maxErrorRate) {
      return new Step(rate, Verdict.FAIL, String.format(Locale.ROOT, "errors %.2f %% %s >= %.2f %%",
          100 * result.errorRate(), result.errorKinds, 100 * maxErrorRate), result);
    }
    double sendLag = result.sendLagMillisAt(99);
    if (sendLag > maxSendLagMillis) {
      return new Step(rate, Verdict.GENERATOR_BEHIND,
          String.format(Locale.ROOT, "sent %.1f ms late at p99 > %.1f ms", sendLag, maxSendLagMillis), result);
    }
    if (result.millisAt(99) > p99BoundMillis) {
      return new Step(rate, Verdict.FAIL,
          String.format(Locale.ROOT, "p99 %.1f ms > %.0f ms", result.millisAt(99), p99BoundMillis), result);
    }
    return new Step(rate, Verdict.PASS, "", result);
  }
}
