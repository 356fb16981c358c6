package dev.wfgateway.workflow;

import dev.wfgateway.common.json.JsonRejected;
import dev.wfgateway.common.messages.DlqReason;

/**
 * Why a step call did not produce an output. {@code retryable} false stops the retries at once
 * (a step's 4xx other than 408/429, a non-retryable failure code); {@code reason} is what the DLQ
 * entry will say if this failure ends the run; {@code called} false says the downstream was never
 * called (an open breaker refused the attempt), so the attempt cannot have had any effect.
 */
final class StepFailure extends RuntimeException {
  private final String type;
  private final boolean retryable;
  private final DlqReason reason;
  private final boolean called;

  private StepFailure(String type, String message, boolean retryable, DlqReason reason, boolean called) {
    super(message, null, false, false);
    this.type = type;
    this.retryable = retryable;
    this.reason = reason;
    this.called = called;
  }

  static StepFailure retryable(String type, String message) {
    return new StepFailure(type, message, true, DlqReason.STEP_FAILED, true);
  }

  /** A step's answer that could not be stored and passed on unchanged: not retried, it would only answer the same. */
  static StepFailure unstorable(JsonRejected rejected) {
    return permanent("step_bad_response", "step answered JSON the platform does not take: " + rejected.getMessage()
        + (rejected.pointer().isEmpty() ? "" : " at " + rejected.pointer()));
  }

  static StepFailure permanent(String type, String message) {
    return new StepFailure(type, message, false, DlqReason.STEP_FAILED, true);
  }

  /** An attempt given up before the downstream was called. */
  static StepFailure notCalled(String type, String message, boolean retryable, DlqReason reason) {
    return new StepFailure(type, message, retryable, reason, false);
  }

  /** Whether a status answered by a step is worth retrying (DESIGN.md section 7). */
  static boolean retryableStatus(int status) {
    return status >= 500 || status == 408 || status == 429 || status < 400;
  }

  String type() {
    return type;
  }

  boolean retryable() {
    return retryable;
  }

  DlqReason reason() {
    return reason;
  }

  boolean called() {
    return called;
  }
}
