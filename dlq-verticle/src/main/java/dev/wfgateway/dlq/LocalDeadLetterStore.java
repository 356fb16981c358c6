package dev.wfgateway.dlq;

import dev.wfgateway.common.messages.DlqEntry;
import dev.wfgateway.common.messages.DlqFilter;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * The embedded backend: an in-memory index per tenant, ordered by id, backed by the tenant's
 * journal. Journal records: {@code {"op":"add","entry":{...}}}, {@code {"op":"remove","id":..,
 * "why":"deleted|redriven|evicted|expired"}}, and {@code {"op":"counters",...}} which a compacted
 * file starts with so the counters survive compaction.
 */
final class LocalDeadLetterStore implements DeadLetterStore {
  private static final System.Logger LOG = System.getLogger(LocalDeadLetterStore.class.getName());
  /** A journal is compacted once it holds this many records and dead ones outnumber the live. */
  private static final int COMPACT_MIN_RECORDS = 1000;

  private final Vertx vertx;
  private final DeadLetterJournal journal;
  private final int maxEntriesPerTenant;
  private final Duration ttl;
  private final Clock clock;
  private final Handler<Boolean> writable;
  private final Map<String, TenantLog> logs = new TreeMap<>();

  /** One tenant's live entries, counters and journal bookkeeping; touched only on the event loop. */
  private static final class TenantLog {
    final NavigableMap<StreamId, DlqEntry> entries = new TreeMap<>();
    StreamId lastId = new StreamId(0, 0);
    long evictions;
    long expired;
    long redriven;
    long records;
    boolean compacting;

    void count(String why) {
      switch (why) {
        case "evicted" -> evictions++;
        case "expired" -> expired++;
        case "redriven" -> redriven++;
        default -> {
        }
      }
    }
  }

  /**
   * @param writable told after every journal write whether the journal can be written
   */
  LocalDeadLetterStore(Vertx vertx, DeadLetterJournal journal, int maxEntriesPerTenant, Duration ttl, Clock clock,
      Handler<Boolean> writable) {
    this.vertx = vertx;
    this.journal = journal;
    this.maxEntriesPerTenant = maxEntriesPerTenant;
    this.ttl = ttl;
    this.clock = clock;
    this.writable = writable;
  }

  @Override
  public Future<Void> open() {
    return journal.replay()
        .compose(records -> vertx.executeBlocking(() -> rebuild(records)))
        .onFailure(failure -> writable.handle(false))
        .map(rebuilt -> {
          logs.putAll(rebuilt);
          logs.values().forEach(this::enforceCap);
          writable.handle(true);
          return null;
        });
  }

  private static Map<String, TenantLog> rebuild(Map<String, List<JsonObject>> recordsByTenant) {
    Map<String, TenantLog> rebuilt = new HashMap<>();
    recordsByTenant.forEach((tenant, records) -> {
      TenantLog log = new TenantLog();
      for (JsonObject record : records) {
        apply(log, record, tenant);
      }
      log.records = records.size();
      rebuilt.put(tenant, log);
    });
    return rebuilt;
  }

  private static void apply(TenantLog log, JsonObject record, String tenant) {
    try {
      switch (record.getString("op", "")) {
        case "add" -> {
          DlqEntry entry = DlqEntry.fromJson(record.getJsonObject("entry"));
          StreamId id = StreamId.parse(entry.id());
          if (id != null) {
            log.entries.put(id, entry);
            log.lastId = id.compareTo(log.lastId) > 0 ? id : log.lastId;
          }
        }
        case "remove" -> {
          StreamId id = StreamId.parse(record.getString("id"));
          if (id != null && log.entries.remove(id) != null) {
            log.count(record.getString("why", ""));
          }
        }
        case "counters" -> {
          log.evictions = record.getLong("evictions", 0L);
          log.expired = record.getLong("expired", 0L);
          log.redriven = record.getLong("redriven", 0L);
          StreamId last = StreamId.parse(record.getString("lastId"));
          log.lastId = last != null && last.compareTo(log.lastId) > 0 ? last : log.lastId;
        }
        default -> LOG.log(Level.WARNING, "DLQ journal of {0}: skipping unknown record {1}", tenant, record.encode());
      }
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "DLQ journal of {0}: skipping unreadable record {1}", tenant, record.encode());
    }
  }

  boolean isEmpty(String tenant) {
    TenantLog log = logs.get(tenant);
    return log == null || log.entries.isEmpty();
  }

  boolean isEmpty() {
    return logs.values().stream().allMatch(log -> log.entries.isEmpty());
  }

  @Override
  public Future<String> add(DlqEntry entry) {
    TenantLog log = logs.computeIfAbsent(entry.tenant(), t -> new TenantLog());
    StreamId id = log.lastId.next(clock.millis());
    log.lastId = id;
    DlqEntry stored = entry.withId(id.toString());
    return write(entry.tenant(), log, new JsonObject().put("op", "add").put("entry", stored.toJson()))
        .map(v -> {
          log.entries.put(id, stored);
          enforceCap(log);
          return stored.id();
        });
  }

  /** Keeps exactly the newest {@code maxEntriesPerTenant}: a storm evicts only its own tenant's entries. */
  private void enforceCap(TenantLog log) {
    while (log.entries.size() > maxEntriesPerTenant) {
      DlqEntry evicted = log.entries.pollFirstEntry().getValue();
      log.evictions++;
      recordRemoval(evicted.tenant(), log, evicted.id(), "evicted");
    }
  }

  /** Writes a removal the store has already applied; losing it in a crash only brings an entry back. */
  private void recordRemoval(String tenant, TenantLog log, String id, String why) {
    write(tenant, log, removeRecord(id, why))
        .onFailure(failure -> LOG.log(Level.WARNING, "DLQ journal of {0}: could not record removal of {1}: {2}",
            tenant, id, failure.toString()));
  }

  private static JsonObject removeRecord(String id, String why) {
    return new JsonObject().put("op", "remove").put("id", id).put("why", why);
  }

  private Future<Void> write(String tenant, TenantLog log, JsonObject record) {
    return journal.append(tenant, record).andThen(result -> {
      if (result.succeeded()) {
        log.records++;
        // Checked after every record, removals included: a burst that ends with removals still compacts.
        maybeCompact(tenant, log);
      }
      writable.handle(result.succeeded());
    });
  }

  private void maybeCompact(String tenant, TenantLog log) {
    if (log.compacting || log.records < COMPACT_MIN_RECORDS || log.records <= 2L * (log.entries.size() + 1)) {
      return;
    }
    log.compacting = true;
    journal.rewrite(tenant, () -> {
      List<JsonObject> live = new ArrayList<>(log.entries.size() + 1);
      live.add(new JsonObject().put("op", "counters").put("evictions", log.evictions).put("expired", log.expired)
          .put("redriven", log.redriven).put("lastId", log.lastId.toString()));
      log.entries.values().forEach(e -> live.add(new JsonObject().put("op", "add").put("entry", e.toJson())));
      log.records = live.size();
      return live;
    }).onComplete(result -> {
      log.compacting = false;
      if (result.failed()) {
        LOG.log(Level.WARNING, "DLQ journal of {0}: compaction failed: {1}", tenant, result.cause().toString());
      }
    });
  }

  @Override
  public Future<List<String>> tenants() {
    return Future.succeededFuture(List.copyOf(logs.keySet()));
  }

  @Override
  public Future<List<DlqEntry>> scan(String tenant, StreamId after, DlqFilter filter, int max) {
    TenantLog log = logs.get(tenant);
    List<DlqEntry> found = new ArrayList<>();
    if (log != null) {
      for (DlqEntry entry : (after == null ? log.entries : log.entries.tailMap(after, false)).values()) {
        if (found.size() >= max) {
          break;
        }
        if (filter.matches(entry)) {
          found.add(entry);
        }
      }
    }
    return Future.succeededFuture(found);
  }

  @Override
  public Future<Integer> remove(String tenant, List<String> ids, Removal why) {
    TenantLog log = logs.get(tenant);
    List<StreamId> present = ids.stream().map(StreamId::parse)
        .filter(id -> id != null && log != null && log.entries.containsKey(id)).toList();
    if (present.isEmpty()) {
      return Future.succeededFuture(0);
    }
    String reason = why == Removal.REDRIVEN ? "redriven" : "deleted";
    List<Future<Void>> writes = present.stream().map(id -> write(tenant, log, removeRecord(id.toString(), reason)))
        .toList();
    // Gone from the index only once the removal is durable; a concurrent remover of the same id counts nothing.
    return Future.all(writes).map(v -> {
      int removed = 0;
      for (StreamId id : present) {
        if (log.entries.remove(id) != null) {
          removed++;
          log.count(reason);
        }
      }
      return removed;
    });
  }

  @Override
  public Future<Void> expire() {
    long cutoff = clock.millis() - ttl.toMillis();
    logs.forEach((tenant, log) -> {
      while (!log.entries.isEmpty() && log.entries.firstKey().millis() < cutoff) {
        DlqEntry expired = log.entries.pollFirstEntry().getValue();
        log.expired++;
        recordRemoval(tenant, log, expired.id(), "expired");
      }
    });
    return Future.succeededFuture();
  }

  @Override
  public Future<TenantStats> stats(String tenant) {
    TenantLog log = logs.get(tenant);
    if (log == null) {
      return Future.succeededFuture(new TenantStats(0, null, 0, 0, 0));
    }
    Long oldest = log.entries.isEmpty() ? null : log.entries.firstKey().millis();
    return Future.succeededFuture(new TenantStats(log.entries.size(), oldest, log.evictions, log.expired,
        log.redriven));
  }

  @Override
  public Future<Void> close() {
    return journal.close();
  }
}
