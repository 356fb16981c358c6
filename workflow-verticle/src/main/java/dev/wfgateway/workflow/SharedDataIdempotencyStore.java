package dev.wfgateway.workflow;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.AsyncMap;
import java.time.Duration;

/** Local backend: a Vert.x async map with TTL (cluster-wide under Hazelcast); putIfAbsent claims. */
final class SharedDataIdempotencyStore implements IdempotencyStore {
  private final Future<AsyncMap<String, String>> map;

  SharedDataIdempotencyStore(Vertx vertx) {
    this.map = vertx.sharedData().getAsyncMap("platform.idempotency");
  }

  @Override
  public Future<IdempotencyRecord> claim(IdempotencyScope scope, IdempotencyRecord inProgress, Duration ttl) {
    return map.compose(m -> m.putIfAbsent(scope.redisKey(), inProgress.encode(), ttl.toMillis()))
        .map(existing -> existing == null ? null : IdempotencyRecord.decode(existing));
  }

  @Override
  public Future<Void> complete(IdempotencyScope scope, IdempotencyRecord completed, Duration retention) {
    return map.compose(m -> m.put(scope.redisKey(), completed.encode(), retention.toMillis()));
  }

  @Override
  public Future<Void> release(IdempotencyScope scope, IdempotencyRecord inProgress) {
    return map.compose(m -> m.removeIfPresent(scope.redisKey(), inProgress.encode())).mapEmpty();
  }
}
