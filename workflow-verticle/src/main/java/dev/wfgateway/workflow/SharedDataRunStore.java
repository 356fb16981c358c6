package dev.wfgateway.workflow;

import dev.wfgateway.common.messages.RunRecord;
import dev.wfgateway.common.messages.SubmitRunRequest;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Local backend: a {@link RecordMap} with TTL (cluster-wide when clustered under Hazelcast) that
 * answers reads, and this node's {@link RunJournal} that makes writes durable: a write completes
 * only once its record is fsynced, and {@link #open} puts the journal's records back after a restart.
 */
final class SharedDataRunStore implements RunStore {
  private final RecordMap map;
  private final RunJournal journal;
  private final Clock clock;

  SharedDataRunStore(RecordMap map, RunJournal journal, Clock clock) {
    this.map = map;
    this.journal = journal;
    this.clock = clock;
  }

  /**
   * Replays the journal into the map; completes with the runs it held unfinished whose records it
   * put back, which this node must take over. A run whose record the map already holds (a cluster
   * that lived on while this node was away) is left to the cluster: a survivor adopted it.
   */
  Future<List<JournaledRun>> open() {
    return journal.replay().compose(lines -> Future.all(lines.stream().map(this::restore).toList()))
        .map(restored -> restored.<RunLine>list().stream().filter(Objects::nonNull).map(RunLine::decode).toList());
  }

  /** The line when its run is unfinished and its record was put back, else null. */
  private Future<RunLine> restore(RunLine line) {
    long ttl = line.expiresAtMillis() - clock.millis();
    if (ttl <= 0) {
      return Future.succeededFuture();
    }
    return map.putIfAbsent(line.key(), line.runJson(), ttl)
        .map(previous -> previous == null && !line.status().isFinal() ? line : null);
  }

  @Override
  public Future<Void> save(RunRecord run, Duration retention) {
    String json = run.toJson().encode();
    return Future.all(journal.append(json, null, retention),
        map.put(key(run.tenant(), run.runId()), json, retention.toMillis()))
        .mapEmpty();
  }

  @Override
  public Future<Void> create(RunRecord run, SubmitRunRequest request, Duration retention) {
    String json = run.toJson().encode();
    // The map decides whether the id is free; only then is the run journaled, so a taken id never is.
    return map.putIfAbsent(key(run.tenant(), run.runId()), json, retention.toMillis())
        .compose(previous -> previous == null ? journal.append(json, request, retention)
            : Future.failedFuture(RunStore.taken(run)));
  }

  @Override
  public Future<RunRecord> find(String tenant, String runId) {
    return map.get(key(tenant, runId))
        .map(json -> json == null ? null : RunRecord.fromJson(new JsonObject(json)));
  }

  static String key(String tenant, String runId) {
    return tenant + ":" + runId;
  }
}
