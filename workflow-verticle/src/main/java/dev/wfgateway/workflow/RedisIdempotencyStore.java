package dev.wfgateway.workflow;

import dev.wfgateway.common.redis.LuaScript;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Redis backend: {@code idem:{tenant}:{workflow}:{key}} claimed with one script (SET NX PX, else GET). */
final class RedisIdempotencyStore implements IdempotencyStore {
  private static final LuaScript CLAIM = LuaScript.fromResource(RedisIdempotencyStore.class, "idempotency_claim.lua");
  private static final LuaScript RELEASE = LuaScript.fromResource(RedisIdempotencyStore.class, "compare_and_delete.lua");

  private final Redis redis;
  private final long timeoutMillis;

  RedisIdempotencyStore(Redis redis, Duration commandTimeout) {
    this.redis = redis;
    this.timeoutMillis = commandTimeout.toMillis();
  }

  @Override
  public Future<IdempotencyRecord> claim(IdempotencyScope scope, IdempotencyRecord inProgress, Duration ttl) {
    return CLAIM.run(redis, List.of(scope.redisKey()), List.of(inProgress.encode(), String.valueOf(ttl.toMillis())))
        .timeout(timeoutMillis, TimeUnit.MILLISECONDS)
        .map(r -> r == null ? null : IdempotencyRecord.decode(r.toString()));
  }

  @Override
  public Future<Void> complete(IdempotencyScope scope, IdempotencyRecord completed, Duration retention) {
    return redis.send(Request.cmd(Command.SET).arg(scope.redisKey()).arg(completed.encode())
            .arg("PX").arg(retention.toMillis()))
        .timeout(timeoutMillis, TimeUnit.MILLISECONDS).mapEmpty();
  }

  @Override
  public Future<Void> release(IdempotencyScope scope, IdempotencyRecord inProgress) {
    return RELEASE.run(redis, List.of(scope.redisKey()), List.of(inProgress.encode()))
        .timeout(timeoutMillis, TimeUnit.MILLISECONDS).mapEmpty();
  }
}
