package dev.wfgateway.workflow;

import io.vertx.core.Future;
import java.time.Duration;

/** Local backend: a {@link RecordMap} with TTL (cluster-wide under Hazelcast); putIfAbsent claims. */
final class SharedDataIdempotencyStore implements IdempotencyStore {
  private final RecordMap map;

  SharedDataIdempotencyStore(RecordMap map) {
    this.map = map;
  }

  @Override
  public Future<IdempotencyRecord> claim(IdempotencyScope scope, IdempotencyRecord inProgress, Duration ttl) {
    return map.putIfAbsent(scope.redisKey(), inProgress.encode(), ttl.toMillis())
        .map(existing -> existing == null ? null : IdempotencyRecord.decode(existing));
  }

  @Override
  public Future<Void> complete(IdempotencyScope scope, IdempotencyRecord completed, Duration retention) {
    return map.put(scope.redisKey(), completed.encode(), retention.toMillis());
  }

  @Override
  public Future<Void> release(IdempotencyScope scope, IdempotencyRecord inProgress) {
    return map.removeIfPresent(scope.redisKey(), inProgress.encode()).mapEmpty();
  }
}
