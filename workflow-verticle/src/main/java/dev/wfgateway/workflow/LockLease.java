package dev.wfgateway.workflow;

import io.vertx.core.Future;

/** A held lock: its fencing token, whether the lease is known lost, and its release. */
interface LockLease {
  long fencingToken();

  /** True once the lease could not be renewed: the run must not start another step. */
  boolean lost();

  Future<Void> release();
}
