package dev.wfgateway.common.json;

import dev.wfgateway.common.Problem;
import dev.wfgateway.common.ProblemType;

/** Why a JSON text or value from outside was refused, and where in it: a 400 problem for the sender. */
public final class JsonRejected extends RuntimeException {
  /** Malformed text is not JSON at all; the other kinds are JSON the platform will not take. */
  public enum Kind { MALFORMED, TOO_DEEP, NUMBER_OUT_OF_RANGE, DUPLICATE_KEY, INVALID_TEXT }

  private final Kind kind;
  private final String pointer;

  JsonRejected(Kind kind, String pointer, String message) {
    super(message, null, false, false);
    this.kind = kind;
    this.pointer = pointer;
  }

  public Kind kind() {
    return kind;
  }

  /** JSON Pointer (RFC 6901) to the offending value, "" for the whole document. */
  public String pointer() {
    return pointer;
  }

  public Problem problem() {
    if (kind == Kind.MALFORMED) {
      return ProblemType.MALFORMED_JSON.problem(getMessage());
    }
    return Problem.invalid(pointer, getMessage());
  }
}
