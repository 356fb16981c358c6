package dev.wfgateway.workflow;

import dev.wfgateway.common.messages.RunRecord;
import dev.wfgateway.common.messages.SubmitRunRequest;
import dev.wfgateway.common.redis.GroupCommit;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Redis backend: one string per run, {@code run:{tenant}:{runId}}, expiring after the retention.
 * Writes are group-committed: under load, the records of many runs share a pipeline per tenant.
 */
final class RedisRunStore implements RunStore {
  private final Redis redis;
  private final GroupCommit writes;
  private final long timeoutMillis;

  /** {@code writes}: the group commit this store shares with the active-run registry, over {@code redis}. */
  RedisRunStore(Redis redis, GroupCommit writes, Duration commandTimeout) {
    this.redis = redis;
    this.writes = writes;
    this.timeoutMillis = commandTimeout.toMillis();
  }

  @Override
  public Future<Void> save(RunRecord run, Duration retention) {
    return writes.send(run.tenant(), set(run, retention)).mapEmpty();
  }

  @Override
  public Future<Void> create(RunRecord run, SubmitRunRequest request, Duration retention) {
    return writes.send(run.tenant(), set(run, retention).arg("NX"))
        .compose(ok -> ok != null ? Future.<Void>succeededFuture() : Future.failedFuture(RunStore.taken(run)));
  }

  private static Request set(RunRecord run, Duration retention) {
    return Request.cmd(Command.SET).arg(key(run.tenant(), run.runId())).arg(run.toJson().encode())
        .arg("PX").arg(retention.toMillis());
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
