package dev.wfgateway.workflow;

import dev.wfgateway.common.messages.RunRecord;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import java.time.Duration;

/** Local backend: a Vert.x async map with TTL (cluster-wide when clustered under Hazelcast). */
final class SharedDataRunStore implements RunStore {
  private final Future<AsyncMap<String, String>> map;

  SharedDataRunStore(Vertx vertx) {
    this.map = vertx.sharedData().getAsyncMap("platform.runs");
  }

  @Override
  public Future<Void> save(RunRecord run, Duration retention) {
    return map.compose(m -> m.put(key(run.tenant(), run.runId()), run.toJson().encode(), retention.toMillis()));
  }

  @Override
  public Future<Void> create(RunRecord run, Duration retention) {
    return map.compose(m -> m.putIfAbsent(key(run.tenant(), run.runId()), run.toJson().encode(), retention.toMillis()))
        .compose(previous -> previous == null ? Future.<Void>succeededFuture() : Future.failedFuture(RunStore.taken(run)));
  }

  @Override
  public Future<RunRecord> find(String tenant, String runId) {
    return map.compose(m -> m.get(key(tenant, runId)))
        .map(json -> json == null ? null : RunRecord.fromJson(new JsonObject(json)));
  }

  private static String key(String tenant, String runId) {
    return tenant + ":" + runId;
  }
}
