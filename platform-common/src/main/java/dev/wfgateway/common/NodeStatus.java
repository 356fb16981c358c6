package dev.wfgateway.common;

/**
 * Node-local status the verticles publish for the gateway's readiness check, in the local shared
 * map {@link #MAP}: no event-bus round trip, and only this node's view.
 */
public final class NodeStatus {
  public static final String MAP = "platform.status";
  /** {@code "redis"} or {@code "local"}: which rate-limit backend is in force. */
  public static final String RATELIMIT_MODE = "ratelimit.mode";
  /** {@code true} while the DLQ can durably store entries (Redis, or the journal/spool). */
  public static final String DLQ_WRITABLE = "dlq.writable";

  private NodeStatus() {
  }
}
