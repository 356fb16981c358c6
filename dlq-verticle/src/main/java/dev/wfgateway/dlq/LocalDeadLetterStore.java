package dev.wfgateway.dlq;

import dev.wfgateway.common.journal.JsonLinesJournal;
import dev.wfgateway.common.messages.DlqEntry;
import dev.wfgateway.common.messages.DlqFilter;
import dev.wfgateway.common.messages.StreamId;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The embedded backend: an in-memory index per tenant, ordered by id, backed by the tenant's
 * journal. Journal records ({@link JournalRecord}): {@code add} with the entry, {@code remove}
 * with the id and why (deleted, redriven, evicted, expired), and {@code counters}, which a
 * compacted file starts with so the counters survive compaction. Replayed entries stay JSON text
 * until first used ({@link StoredEntry}).
 */
final class LocalDeadLetterStore implements DeadLetterStore {
  private static final System.Logger LOG = System.getLogger(LocalDeadLetterStore.class.getName());
  /** A journal is compacted once it holds this many records and dead ones outnumber the live. */
  private static final int COMPACT_MIN_RECORDS = 1000;

  private final JsonLinesJournal journal;
  private final int maxEntriesPerTenant;
  private final Duration ttl;
  private final Clock clock;
  private final Handler<Boolean> writable;
  private final Map<String, TenantLog> logs = new TreeMap<>();

  /** One tenant's live entries, counters and journal bookkeeping; touched only on the event loop. */
  private static final class TenantLog {
    final String tenant;
    final NavigableMap<StreamId, StoredEntry> entries = new TreeMap<>();
    StreamId lastId = new StreamId(0, 0);
    long evictions;
    long expired;
    long redriven;
    long records;
    boolean compacting;

    TenantLog(String tenant) {
      this.tenant = tenant;
    }

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
  LocalDeadLetterStore(JsonLinesJournal journal, int maxEntriesPerTenant, Duration ttl, Clock clock,
      Handler<Boolean> writable) {
    this.journal = journal;
    this.maxEntriesPerTenant = maxEntriesPerTenant;
    this.ttl = ttl;
    this.clock = clock;
    this.writable = writable;
  }

  @Override
  public Future<Void> open() {
    return journal.names()
        .compose(tenants -> Future.all(tenants.stream()
            .map(tenant -> journal.replay(tenant, JournalRecord.READER,
                Collectors.collectingAndThen(Collectors.toList(), records -> rebuild(tenant, records)))).toList()))
        .onFailure(failure -> writable.handle(false))
        .map(rebuilt -> {
          rebuilt.<TenantLog>list().forEach(log -> {
            logs.put(log.tenant, log);
            enforceCap(log);
          });
          writable.handle(true);
          return null;
        });
  }

  private static TenantLog rebuild(String tenant, List<JournalRecord> records) {
    TenantLog log = new TenantLog(tenant);
    for (JournalRecord record : records) {
      apply(log, record);
    }
    log.records = records.size();
    return log;
  }

  private static void apply(TenantLog log, JournalRecord record) {
    JsonObject fields = record.fields();
    try {
      switch (record.op()) {
        case "add" -> {
          StreamId id = StreamId.parse(record.entryId());
          if (id == null) {
            throw new IllegalArgumentException("no entry id");
          }
          log.entries.put(id, StoredEntry.encoded(record.entryJson()));
          log.lastId = id.compareTo(log.lastId) > 0 ? id : log.lastId;
        }
        case "remove" -> {
          StreamId id = StreamId.parse(fields.getString("id"));
          if (id != null && log.entries.remove(id) != null) {
            log.count(fields.getString("why", ""));
          }
        }
        case "counters" -> {
          log.evictions = fields.getLong("evictions", 0L);
          log.expired = fields.getLong("expired", 0L);
          log.redriven = fields.getLong("redriven", 0L);
          StreamId last = StreamId.parse(fields.getString("lastId"));
          log.lastId = last != null && last.compareTo(log.lastId) > 0 ? last : log.lastId;
        }
        default -> LOG.log(Level.WARNING, "DLQ journal of {0}: skipping unknown record {1}", log.tenant,
            fields.encode());
      }
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "DLQ journal of {0}: skipping unreadable record {1}{2}", log.tenant, fields.encode(),
          record.entryJson() == null ? "" : " with entry " + record.entryJson());
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
    TenantLog log = logs.computeIfAbsent(entry.tenant(), TenantLog::new);
    StreamId id = log.lastId.next(clock.millis());
    log.lastId = id;
    DlqEntry stored = entry.withId(id.toString());
    return write(log, JournalRecord.add(stored.toJson().encode()))
        .map(v -> {
          log.entries.put(id, StoredEntry.decoded(stored));
          enforceCap(log);
          return stored.id();
        });
  }

  /** Keeps exactly the newest {@code maxEntriesPerTenant}: a storm evicts only its own tenant's entries. */
  private void enforceCap(TenantLog log) {
    while (log.entries.size() > maxEntriesPerTenant) {
      StreamId evicted = log.entries.pollFirstEntry().getKey();
      log.evictions++;
      recordRemoval(log, evicted, "evicted");
    }
  }

  /** Writes a removal the store has already applied; losing it in a crash only brings an entry back. */
  private void recordRemoval(TenantLog log, StreamId id, String why) {
    write(log, JournalRecord.remove(id.toString(), why))
        .onFailure(failure -> LOG.log(Level.WARNING, "DLQ journal of {0}: could not record removal of {1}: {2}",
            log.tenant, id, failure.toString()));
  }

  private Future<Void> write(TenantLog log, String record) {
    return journal.append(log.tenant, record).andThen(result -> {
      if (result.succeeded()) {
        log.records++;
        // Checked after every record, removals included: a burst that ends with removals still compacts.
        maybeCompact(log);
      }
      writable.handle(result.succeeded());
    });
  }

  private void maybeCompact(TenantLog log) {
    if (log.compacting || log.records < COMPACT_MIN_RECORDS || log.records <= 2L * (log.entries.size() + 1)) {
      return;
    }
    log.compacting = true;
    journal.rewrite(log.tenant, () -> {
      List<String> live = new ArrayList<>(log.entries.size() + 1);
      live.add(JournalRecord.counters(log.evictions, log.expired, log.redriven, log.lastId.toString()));
      log.entries.values().forEach(e -> live.add(JournalRecord.add(e.json())));
      log.records = live.size();
      return live;
    }).onComplete(result -> {
      log.compacting = false;
      if (result.failed()) {
        LOG.log(Level.WARNING, "DLQ journal of {0}: compaction failed: {1}", log.tenant,
            result.cause().toString());
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
      for (StoredEntry stored : (after == null ? log.entries : log.entries.tailMap(after, false)).values()) {
        if (found.size() >= max) {
          break;
        }
        DlqEntry entry = stored.entry();
        if (entry != null && filter.matches(entry)) {
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
    List<Future<Void>> writes = present.stream().map(id -> write(log, JournalRecord.remove(id.toString(), reason)))
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
    logs.values().forEach(log -> {
      while (!log.entries.isEmpty() && log.entries.firstKey().millis() < cutoff) {
        StreamId expired = log.entries.pollFirstEntry().getKey();
        log.expired++;
        recordRemoval(log, expired, "expired");
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
