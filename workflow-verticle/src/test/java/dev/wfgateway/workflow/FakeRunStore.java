package dev.wfgateway.workflow;

import dev.wfgateway.common.messages.RunRecord;
import dev.wfgateway.common.messages.RunStatus;
import dev.wfgateway.common.messages.SubmitRunRequest;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Run records in a map, answering at once; every write is kept in order, and writes, reads and
 * probes can be made to fail.
 */
final class FakeRunStore implements RunStore {
  final Map<String, RunRecord> records = new HashMap<>();
  /** Every record written by save or create, in order. */
  final List<RunRecord> writes = new ArrayList<>();
  /** The records written by create, in order. */
  final List<RunRecord> creates = new ArrayList<>();
  /** How many of the next saves fail, as a store that does not answer in time would. */
  int failingSaves;
  boolean failingCreates;
  boolean failingFinds;
  /** The tenants whose part of the store does not answer a probe. */
  final Set<String> unreachable = new HashSet<>();

  @Override
  public Future<Void> save(RunRecord run, Duration retention) {
    writes.add(run);
    if (failingSaves > 0) {
      failingSaves--;
      return Future.failedFuture("the run store timed out");
    }
    records.put(key(run.tenant(), run.runId()), run);
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> create(RunRecord run, SubmitRunRequest request, Duration retention) {
    writes.add(run);
    creates.add(run);
    if (failingCreates) {
      return Future.failedFuture("the run store timed out");
    }
    if (records.putIfAbsent(key(run.tenant(), run.runId()), run) != null) {
      return Future.failedFuture(RunStore.taken(run));
    }
    return Future.succeededFuture();
  }

  @Override
  public Future<RunRecord> find(String tenant, String runId) {
    return failingFinds ? Future.failedFuture("the run store timed out")
        : Future.succeededFuture(records.get(key(tenant, runId)));
  }

  @Override
  public Future<Void> probe(String tenant) {
    return unreachable.contains(tenant) ? Future.failedFuture("timeout") : Future.succeededFuture();
  }

  RunRecord record(String tenant, String runId) {
    return records.get(key(tenant, runId));
  }

  /** The writes of one run that gave it a final status. */
  List<RunRecord> finalWrites(String runId) {
    return writes.stream().filter(r -> r.runId().equals(runId) && r.status().isFinal()).toList();
  }

  List<RunStatus> statusesWritten(String runId) {
    return writes.stream().filter(r -> r.runId().equals(runId)).map(RunRecord::status).toList();
  }

  private static String key(String tenant, String runId) {
    return tenant + ":" + runId;
  }
}
