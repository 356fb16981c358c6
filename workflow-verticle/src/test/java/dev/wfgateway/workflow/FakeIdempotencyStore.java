package dev.wfgateway.workflow;

import io.vertx.core.Future;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/** Idempotency records in a map, answering at once, with the claim semantics of the real stores. */
final class FakeIdempotencyStore implements IdempotencyStore {
  final Map<IdempotencyScope, IdempotencyRecord> records = new HashMap<>();
  boolean unavailable;

  @Override
  public Future<IdempotencyRecord> claim(IdempotencyScope scope, IdempotencyRecord inProgress, Duration ttl) {
    if (unavailable) {
      return Future.failedFuture("the idempotency store timed out");
    }
    return Future.succeededFuture(records.putIfAbsent(scope, inProgress));
  }

  @Override
  public Future<Void> complete(IdempotencyScope scope, IdempotencyRecord completed, Duration retention) {
    records.put(scope, completed);
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> release(IdempotencyScope scope, IdempotencyRecord inProgress) {
    records.remove(scope, inProgress);
    return Future.succeededFuture();
  }
}
