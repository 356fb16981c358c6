package dev.wfgateway.workflow;

import io.vertx.core.Future;
import java.time.Duration;

/** Idempotency records per tenant, workflow and key; {@code scope} is {@code tenant:workflow:key}-shaped. */
interface IdempotencyStore {
  /** Claims the key for a new run: null when claimed, else the record already there. */
  Future<IdempotencyRecord> claim(IdempotencyScope scope, IdempotencyRecord inProgress, Duration ttl);

  /** Stores the first response, replayed for {@code retention}. */
  Future<Void> complete(IdempotencyScope scope, IdempotencyRecord completed, Duration retention);

  /** Gives the key back when the request was refused before its run started (nothing to replay). */
  Future<Void> release(IdempotencyScope scope, IdempotencyRecord inProgress);

  record IdempotencyScope(String tenant, String workflow, String key) {
    String redisKey() {
      return "idem:{" + tenant + "}:" + workflow + ":" + key;
    }
  }
}
