package dev.wfgateway.workflow;

import dev.wfgateway.common.messages.RunRecord;
import dev.wfgateway.common.messages.SubmitRunRequest;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** Redis backend: one string per run, {@code run:{tenant}:{runId}}, expiring after the retention. */
final class RedisRunStore implements RunStore {
  private final Redis redis;
  private final long timeoutMillis;

  RedisRunStore(Redis redis, Duration commandTimeout) {
    this.redis = redis;
    this.timeoutMillis = commandTimeout.toMillis();
  }

  @Override
  public Future<Void> save(RunRecord run, Duration retention) {
    return redis.send(Request.cmd(Command.SET).arg(key(run.tenant(), run.runId())).arg(run.toJson().encode())
            .arg("PX").arg(retention.toMillis()))
        .timeout(timeoutMillis, TimeUnit.MILLISECONDS).mapEmpty();
  }

  @Override
  public Future<Void> create(RunRecord run, SubmitRunRequest request, Duration retention) {
    return redis.send(Request.cmd(Command.SET).arg(key(run.tenant(), run.runId())).arg(run.toJson().encode())
            .arg("PX").arg(retention.toMillis()).arg("NX"))
        .timeout(timeoutMillis, TimeUnit.MILLISECONDS)
        .compose(ok -> ok != null ? Future.<Void>succeededFuture() : Future.failedFuture(RunStore.taken(run)));
  }

  @Override
  public Future<RunRecord> find(String tenant, String runId) {
    return redis.send(Request.cmd(Command.GET).arg(key(tenant, runId)))
        .timeout(timeoutMillis, TimeUnit.MILLISECONDS)
        .map(r -> r == null ? null : RunRecord.fromJson(new JsonObject(r.toString())));
  }

  @Override
  public Future<Void> probe(String tenant) {
    return redis.send(Request.cmd(Command.EXISTS).arg(key(tenant, "probe"))).timeout(timeoutMillis, TimeUnit.MILLISECONDS)
        .mapEmpty();
  }

  static String key(String tenant, String runId) {
    return "run:{" + tenant + "}:" + runId;
  }
}
