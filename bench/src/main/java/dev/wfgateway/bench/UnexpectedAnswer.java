package dev.wfgateway.bench;

/** An answer a scenario counts as an error; the message is the kind reported, e.g. {@code HTTP 503}. */
final class UnexpectedAnswer extends RuntimeException {
  private static final long serialVersionUID = 1L;

  UnexpectedAnswer(String kind) {
    super(kind, null, false, false);
  }
}
