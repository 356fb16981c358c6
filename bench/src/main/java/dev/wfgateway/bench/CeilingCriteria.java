package dev.wfgateway.bench;

import dev.wfgateway.bench.CeilingSearch.Step;
import dev.wfgateway.bench.CeilingSearch.Verdict;
import java.util.Locale;

/**
 * What a ceiling step must show to pass: an error share under {@code maxErrorRate} and a p99 at or
 * under {@code p99BoundMillis}. Latency runs from each request's scheduled time, so a generator
 * that sent late only makes a step look worse: a pass stands whatever the generator did, and so do
 * errors. But a p99 over the bound while the generator itself sent more than
 * {@code maxSendLagMillis} late (at p99) may be the generator's own delay: such a step is not a
 * valid measurement of the target.
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
    if (result.millisAt(99) <= p99BoundMillis) {
      return new Step(rate, Verdict.PASS, "", result);
    }
    String slow = String.format(Locale.ROOT, "p99 %.1f ms > %.0f ms", result.millisAt(99), p99BoundMillis);
    double sendLag = result.sendLagMillisAt(99);
    if (sendLag > maxSendLagMillis) {
      return new Step(rate, Verdict.GENERATOR_BEHIND,
          String.format(Locale.ROOT, "%s, but sent %.1f ms late at p99 > %.1f ms", slow, sendLag, maxSendLagMillis),
          result);
    }
    return new Step(rate, Verdict.FAIL, slow, result);
  }
}
