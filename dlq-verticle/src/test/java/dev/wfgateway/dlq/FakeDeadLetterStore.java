package dev.wfgateway.dlq;

import dev.wfgateway.common.messages.DlqEntry;
import dev.wfgateway.common.messages.DlqFilter;
import dev.wfgateway.common.messages.StreamId;
import io.vertx.core.Future;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * A {@link DeadLetterStore} in memory that notes what it is asked: ids per tenant from the injected
 * clock, as both real stores assign them, and moved ids that keep resolving as the Redis spool's do.
 * Used on one thread at a time.
 */
final class FakeDeadLetterStore implements DeadLetterStore {
  /** One call of {@link #remove}. */
  record RemoveCall(String tenant, List<String> ids, Removal why) {
  }

  private final Clock clock;
  private final Map<String, NavigableMap<StreamId, DlqEntry>> entries = new TreeMap<>();
  private final Map<String, StreamId> lastIds = new HashMap<>();
  private final Map<String, String> movedIds = new HashMap<>();
  private final Map<String, long[]> evictedAndExpired = new HashMap<>();
  private final Map<String, Integer> redriven = new HashMap<>();
  /** The tenant of every scan, in order. */
  final List<String> scanned = new ArrayList<>();
  final List<RemoveCall> removeCalls = new ArrayList<>();
  /** Makes every removal fail, as when the store stops answering. */
  boolean failRemovals;

  FakeDeadLetterStore(Clock clock) {
    this.clock = clock;
  }

  @Override
  public Future<Void> open() {
    return Future.succeededFuture();
  }

  @Override
  public Future<String> add(DlqEntry entry) {
    StreamId id = lastIds.getOrDefault(entry.tenant(), new StreamId(0, 0)).next(clock.millis());
    lastIds.put(entry.tenant(), id);
    entries.computeIfAbsent(entry.tenant(), t -> new TreeMap<>()).put(id, entry.withId(id.toString()));
    return Future.succeededFuture(id.toString());
  }

  /** Gives the entry a new id, as a drained spool entry gets one; the old id resolves to it. */
  String move(String tenant, String id) {
    DlqEntry entry = entries.get(tenant).remove(StreamId.parse(id));
    String newId = add(entry).result();
    movedIds.put(tenant + "/" + id, newId);
    return newId;
  }

  /** The tenant's entries, oldest first. */
  List<DlqEntry> entries(String tenant) {
    return List.copyOf(entries.getOrDefault(tenant, new TreeMap<>()).values());
  }

  void setCounters(String tenant, long evictions, long expired) {
    entries.computeIfAbsent(tenant, t -> new TreeMap<>());
    evictedAndExpired.put(tenant, new long[] {evictions, expired});
  }

  @Override
  public Future<List<String>> tenants() {
    return Future.succeededFuture(List.copyOf(entries.keySet()));
  }

  @Override
  public Future<List<DlqEntry>> scan(String tenant, StreamId after, DlqFilter filter, int max) {
    scanned.add(tenant);
    NavigableMap<StreamId, DlqEntry> all = entries.getOrDefault(tenant, new TreeMap<>());
    return Future.succeededFuture((after == null ? all : all.tailMap(after, false)).values().stream()
        .filter(filter::matches).limit(max).toList());
  }

  @Override
  public Future<Integer> remove(String tenant, List<String> ids, Removal why) {
    removeCalls.add(new RemoveCall(tenant, List.copyOf(ids), why));
    if (failRemovals) {
      return Future.failedFuture("the store is down");
    }
    int count = 0;
    for (String id : ids) {
      if (entries.getOrDefault(tenant, new TreeMap<>()).remove(StreamId.parse(id)) != null) {
        count++;
        if (why == Removal.REDRIVEN) {
          redriven.merge(tenant, 1, Integer::sum);
        }
      }
    }
    return Future.succeededFuture(count);
  }

  @Override
  public Future<Void> expire() {
    throw new UnsupportedOperationException("the queue never expires entries itself");
  }

  @Override
  public Future<TenantStats> stats(String tenant) {
    NavigableMap<StreamId, DlqEntry> all = entries.getOrDefault(tenant, new TreeMap<>());
    long[] counters = evictedAndExpired.getOrDefault(tenant, new long[2]);
    return Future.succeededFuture(new TenantStats(all.size(), all.isEmpty() ? null : all.firstKey().millis(),
        counters[0], counters[1], redriven.getOrDefault(tenant, 0)));
  }

  @Override
  public Future<Void> close() {
    return Future.succeededFuture();
  }

  @Override
  public Future<String> currentId(String tenant, String id) {
    return Future.succeededFuture(movedIds.get(tenant + "/" + id));
  }
}
