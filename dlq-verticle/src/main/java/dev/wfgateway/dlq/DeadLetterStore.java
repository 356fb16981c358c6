package dev.wfgateway.dlq;

import dev.wfgateway.common.messages.DlqEntry;
import dev.wfgateway.common.messages.DlqFilter;
import dev.wfgateway.common.messages.StreamId;
import io.vertx.core.Future;
import java.util.List;

/**
 * Where dead-lettered runs are kept, per tenant, ordered by {@link StreamId}. Implementations: the
 * local journal ({@link LocalDeadLetterStore}) and Redis Streams ({@link RedisDeadLetterStore}).
 * Every method is called on the verticle's event loop and never blocks it.
 */
interface DeadLetterStore {

  /** Why an entry leaves the store at a caller's request; redrives are counted, deletions are not. */
  enum Removal { DELETED, REDRIVEN }

  /** Loads or connects; completes when the store can serve requests. */
  Future<Void> open();

  /** Stores an entry (its id is ignored) and completes with the assigned id only once it is durable. */
  Future<String> add(DlqEntry entry);

  /** Tenants that have entries or counters, sorted. */
  Future<List<String>> tenants();

  /**
   * Up to {@code max} of the tenant's entries matching {@code filter}, oldest first, with ids after
   * {@code after} (null: from the start).
   */
  Future<List<DlqEntry>> scan(String tenant, StreamId after, DlqFilter filter, int max);

  /** Removes the entries with these ids; completes with how many were there. */
  Future<Integer> remove(String tenant, List<String> ids, Removal why);

  /** Drops entries older than the TTL, counting them as expired. */
  Future<Void> expire();

  Future<TenantStats> stats(String tenant);

  /** Flushes and releases everything; the store is unusable afterwards. */
  Future<Void> close();

  /**
   * The id an entry first known by {@code id} has now, or null. An entry acknowledged from the
   * Redis-outage spool gets a new stream id when it drains; its first id keeps resolving.
   */
  default Future<String> currentId(String tenant, String id) {
    return Future.succeededFuture(null);
  }
}
