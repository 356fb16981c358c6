package dev.wfgateway.ratelimit;

import dev.wfgateway.common.messages.PolicyState;
import dev.wfgateway.common.messages.RateLimitDecision;
import java.util.List;

/**
 * One policy's window right after a check, in milliseconds, as both limiters measure it. The
 * rounding to the whole seconds of the contract happens here, once for both.
 *
 * @param limit the limit in force (a node's share of the configured one in local fallback)
 * @param resetMillis until the oldest unit in the window frees; 0 when the window is empty
 * @param retryMillis until enough units free for the request; negative when this policy had room
 */
record PolicyWindow(String name, long limit, long windowMillis, long remaining, long resetMillis, long retryMillis) {

  boolean denies() {
    return retryMillis >= 0;
  }

  long resetSeconds() {
    long seconds = ceilSeconds(resetMillis);
    return denies() ? Math.max(1, seconds) : seconds;
  }

  PolicyState toState() {
    return new PolicyState(name, limit, Math.max(1, ceilSeconds(windowMillis)), remaining, resetSeconds());
  }

  /** The request is allowed when no policy denies it; a denial waits for the slowest denying policy. */
  static RateLimitDecision decision(List<PolicyWindow> windows, String mode) {
    Long retryAfter = windows.stream().filter(PolicyWindow::denies)
        .map(w -> Math.max(ceilSeconds(w.retryMillis), w.resetSeconds()))
        .max(Long::compare).orElse(null);
    return new RateLimitDecision(retryAfter == null, windows.stream().map(PolicyWindow::toState).toList(),
        retryAfter, mode);
  }

  private static long ceilSeconds(long millis) {
    return (Math.max(0, millis) + 999) / 1000;
  }
}
