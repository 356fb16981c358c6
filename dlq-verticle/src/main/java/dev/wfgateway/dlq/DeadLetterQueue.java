package dev.wfgateway.dlq;

import dev.wfgateway.common.ProblemException;
import dev.wfgateway.common.ProblemType;
import dev.wfgateway.common.json.JsonRejected;
import dev.wfgateway.common.json.StrictJson;
import dev.wfgateway.common.messages.DlqCursor;
import dev.wfgateway.common.messages.DlqEntry;
import dev.wfgateway.common.messages.DlqFilter;
import dev.wfgateway.common.messages.DlqQuery;
import dev.wfgateway.common.messages.StreamId;
import dev.wfgateway.dlq.DeadLetterStore.Removal;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the DLQ's requests mean, on top of any {@link DeadLetterStore}: tenant scoping, paging
 * (oldest first, across tenants for admin queries), selection by id or filter, and the stats.
 * With a tenant in the filter nothing of another tenant is ever read or touched.
 */
final class DeadLetterQueue {
  private static final Comparator<DlqEntry> OLDEST_FIRST =
      Comparator.comparing((DlqEntry e) -> StreamId.parse(e.id())).thenComparing(DlqEntry::tenant);

  private final DeadLetterStore store;
  private final Clock clock;

  record Page(List<DlqEntry> entries, String nextCursor) {
    /**
     * The page as sent; an entry that could not be encoded again (stored before the platform held
     * input to its limits) is left out and named under {@code skipped}, so that it cannot make the
     * whole listing fail.
     */
    JsonObject toJson() {
      JsonArray array = new JsonArray();
      JsonArray skipped = new JsonArray();
      for (DlqEntry entry : entries) {
        JsonObject json = entry.toJson();
        try {
          StrictJson.check(json, StrictJson.DEPTH_CEILING, "");
          array.add(json);
        } catch (JsonRejected e) {
          skipped.add(new JsonObject().put("id", entry.id()).put("reason", e.getMessage()));
        }
      }
      JsonObject json = new JsonObject().put("entries", array);
      if (!skipped.isEmpty()) {
        json.put("skipped", skipped);
      }
      if (nextCursor != null) {
        json.put("nextCursor", nextCursor);
      }
      return json;
    }
  }

  DeadLetterQueue(DeadLetterStore store, Clock clock) {
    this.store = store;
    this.clock = clock;
  }

  /**
   * Stores an entry another service sent; one with a tenant name that could not name a journal
   * file, or that could not be read back whole, fails with a 400 problem.
   */
  Future<String> add(DlqEntry entry) {
    try {
      DlqQuery.requireTenantName(entry.tenant());
      StrictJson.check(entry.toJson(), StrictJson.DEPTH_CEILING, "");
    } catch (ProblemException e) {
      return Future.failedFuture(e);
    } catch (JsonRejected e) {
      return Future.failedFuture(new ProblemException(e.problem()));
    }
    return store.add(entry);
  }

  Future<Page> page(DlqQuery query) {
    DlqFilter filter = query.filter();
    DlqCursor cursor = query.cursor();
    int wanted = query.limit() + 1;
    return tenantsOf(filter)
        .compose(tenants -> Future.all(tenants.stream()
            .map(t -> store.scan(t, cursor == null ? null : cursor.after(t), filter, wanted)).toList()))
        .map(scans -> {
          List<DlqEntry> merged = new ArrayList<>();
          scans.<List<DlqEntry>>list().forEach(merged::addAll);
          merged.sort(OLDEST_FIRST);
          if (merged.size() <= query.limit()) {
            return new Page(merged, null);
          }
          List<DlqEntry> page = List.copyOf(merged.subList(0, query.limit()));
          DlqEntry last = page.get(page.size() - 1);
          DlqCursor next = new DlqCursor(StreamId.parse(last.id()), filter.tenant() == null ? last.tenant() : null);
          return new Page(page, next.toString());
        });
  }

  /** The entry with the filter's id, or a 404 problem: also when it belongs to another tenant. */
  Future<DlqEntry> get(DlqFilter filter) {
    return withId(filter).map(found -> {
      if (found.isEmpty()) {
        throw notFound();
      }
      return found.get(0);
    });
  }

  /** Everything the filter selects; an id that selects nothing is a 404 problem. */
  Future<List<DlqEntry>> select(DlqFilter filter) {
    if (filter.id() != null) {
      return get(filter).map(List::of);
    }
    return selectFrom(filter, null, new ArrayList<>());
  }

  private Future<List<DlqEntry>> selectFrom(DlqFilter filter, DlqCursor cursor, List<DlqEntry> selected) {
    return page(new DlqQuery(filter, DlqQuery.MAX_LIMIT, cursor)).compose(page -> {
      selected.addAll(page.entries());
      return page.nextCursor() == null ? Future.succeededFuture(selected)
          : selectFrom(filter, DlqCursor.parse(page.nextCursor()), selected);
    });
  }

  Future<Integer> delete(DlqFilter filter) {
    return select(filter).compose(entries -> {
      Map<String, List<String>> idsByTenant = new LinkedHashMap<>();
      entries.forEach(e -> idsByTenant.computeIfAbsent(e.tenant(), t -> new ArrayList<>()).add(e.id()));
      List<Future<Integer>> removals = idsByTenant.entrySet().stream()
          .map(e -> store.remove(e.getKey(), e.getValue(), Removal.DELETED)).toList();
      return Future.all(removals).map(all -> removals.stream().mapToInt(Future::result).sum());
    });
  }

  /** Per-tenant figures: only {@code tenant}'s when given, else every tenant's. */
  Future<Map<String, TenantStats>> stats(String tenant) {
    return tenantsOf(new DlqFilter(tenant, null, null, null, null)).compose(tenants -> {
      List<Future<TenantStats>> each = tenants.stream().map(store::stats).toList();
      return Future.all(each).map(all -> {
        Map<String, TenantStats> byTenant = new TreeMap<>();
        for (int i = 0; i < tenants.size(); i++) {
          byTenant.put(tenants.get(i), each.get(i).result());
        }
        return byTenant;
      });
    });
  }

  JsonObject statsJson(Map<String, TenantStats> byTenant) {
    long now = clock.millis();
    JsonObject tenants = new JsonObject();
    byTenant.forEach((t, s) -> tenants.put(t, s.toJson(now)));
    return new JsonObject()
        .put("size", byTenant.values().stream().mapToLong(TenantStats::size).sum())
        .put("oldestEntryAgeSeconds", byTenant.values().stream().mapToLong(s -> s.oldestEntryAgeSeconds(now))
            .max().orElse(0))
        .put("totalEvictions", byTenant.values().stream().mapToLong(TenantStats::evictions).sum())
        .put("totalExpired", byTenant.values().stream().mapToLong(TenantStats::expired).sum())
        .put("totalRedriven", byTenant.values().stream().mapToLong(TenantStats::redriven).sum())
        .put("byTenant", tenants);
  }

  private Future<List<DlqEntry>> withId(DlqFilter filter) {
    StreamId id = StreamId.parse(filter.id());
    if (id == null) {
      return Future.succeededFuture(List.of());
    }
    return tenantsOf(filter)
        .compose(tenants -> Future.all(tenants.stream().map(t -> entryOf(t, id, filter)).toList()))
        .map(lookups -> {
          List<DlqEntry> found = new ArrayList<>();
          lookups.<List<DlqEntry>>list().forEach(found::addAll);
          return found;
        });
  }

  /** The tenant's entry with that id, also when the id is one it had before it moved (see currentId). */
  private Future<List<DlqEntry>> entryOf(String tenant, StreamId id, DlqFilter filter) {
    return lookup(tenant, id, filter).compose(found -> !found.isEmpty() ? Future.succeededFuture(found)
        : store.currentId(tenant, id.toString()).compose(current -> current == null
            ? Future.succeededFuture(found)
            : lookup(tenant, StreamId.parse(current), new DlqFilter(filter.tenant(), current, filter.workflow(),
                filter.reason(), filter.q()))));
  }

  private Future<List<DlqEntry>> lookup(String tenant, StreamId id, DlqFilter filter) {
    return store.scan(tenant, id.previous(), new DlqFilter(tenant, null, null, null, null), 1)
        .map(entries -> entries.stream().filter(filter::matches).toList());
  }

  private Future<List<String>> tenantsOf(DlqFilter filter) {
    return filter.tenant() != null ? Future.succeededFuture(List.of(filter.tenant())) : store.tenants();
  }

  private static ProblemException notFound() {
    return new ProblemException(ProblemType.NOT_FOUND.problem("No such DLQ entry"));
  }
}
