package dev.wfgateway.common;

/** Header names carried end to end, on HTTP and as event-bus message headers. */
public final class Headers {
  public static final String REQUEST_ID = "x-request-id";
  public static final String TRACEPARENT = "traceparent";
  public static final String FENCING_TOKEN = "x-fencing-token";
  public static final String RUN_ID = "x-run-id";
  /** On a submit sent again because the node it first went to left the cluster: that node's id. */
  public static final String RESENT = "x-resent-from";
  /** On a submit reply (and the HTTP response): this answer replays the first one for its Idempotency-Key. */
  public static final String IDEMPOTENT_REPLAYED = "idempotent-replayed";

  private Headers() {
  }
}
