package dev.wfgateway.dlq;

import dev.wfgateway.common.NodeStatus;
import io.vertx.core.Vertx;

/**
 * The node-local flag the gateway's readiness check reads: can this node durably accept DLQ
 * entries right now in the configured backend (false while Redis is down and adds spool, or when
 * the journal cannot be written).
 */
final class WritableStatus {

  private final Vertx vertx;

  WritableStatus(Vertx vertx) {
    this.vertx = vertx;
  }

  void set(boolean writable) {
    vertx.sharedData().<String, Boolean>getLocalMap(NodeStatus.MAP).put(NodeStatus.DLQ_WRITABLE, writable);
  }
}
