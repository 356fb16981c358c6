package dev.wfgateway.workflow;

import io.vertx.core.Future;
import java.time.Duration;

/**
 * Distributed locks per tenant and business key. {@code acquire} waits (without blocking) up to
 * {@code maxWait} and then fails with a 409 problem; a lock backend that cannot be reached fails
 * closed with 503.
 */
interface RunLocks {
  Future<LockLease> acquire(String tenant, String key, String owner, Duration ttl, Duration maxWait);
}
