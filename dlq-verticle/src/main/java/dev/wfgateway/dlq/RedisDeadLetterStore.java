package dev.wfgateway.dlq;

import dev.wfgateway.common.journal.JsonLinesJournal;
import dev.wfgateway.common.messages.DlqEntry;
import dev.wfgateway.common.messages.DlqFilter;
import dev.wfgateway.common.messages.StreamId;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * The production backend: Redis Streams ({@link RedisStreamStore}) while Redis answers, a local
 * spool (the journal-backed store) while it does not ({@link SpoolFailover}). Spooled adds are
 * acknowledged once fsynced; a periodic drain moves them into Redis, oldest first, when it answers
 * again, and their spool ids keep resolving through aliases ({@link #currentId}). An entry drained
 * twice (a crash between its XADD and its removal from the spool) lands once: the streams
 * deduplicate adds.
 *
 * <p>The node reports itself writable only while Redis answers, the spool can be written and
 * nothing is owed to Redis.
 */
final class RedisDeadLetterStore implements DeadLetterStore {
  /** Also how often the failover probes Redis while it does not answer. */
  private static final Duration DRAIN_INTERVAL = Duration.ofMillis(500);
  private static final int DRAIN_BATCH = 500;
  private static final DlqFilter EVERYTHING = new DlqFilter(null, null, null, null, null);

  private final Vertx vertx;
  private final WritableStatus status;
  private final RedisStreamStore streams;
  private final LocalDeadLetterStore spool;
  private final SpoolFailover failover;
  private boolean spoolWritable = true;
  private boolean draining;
  private long drainTimer = -1;

  RedisDeadLetterStore(Vertx vertx, Redis redis, Duration commandTimeout, int maxEntriesPerTenant, Duration ttl,
      Clock clock, JsonLinesJournal spoolJournal, WritableStatus status, Set<String> configuredTenants,
      MeterRegistry registry) {
    this.vertx = vertx;
    this.status = status;
    this.streams = new RedisStreamStore(redis, commandTimeout, maxEntriesPerTenant, ttl, clock, configuredTenants);
    // The spool never evicts or expires: everything in it is owed to Redis.
    this.spool = new LocalDeadLetterStore(spoolJournal, Integer.MAX_VALUE, ttl, clock, ok -> {
      spoolWritable = ok;
      updateWritable();
    });
    this.failover = new SpoolFailover(vertx, streams, spool, DRAIN_INTERVAL, registry, this::redisUpChanged);
  }

  @Override
  public Future<Void> open() {
    return spool.open().compose(v -> {
      drainTimer = vertx.setPeriodic(DRAIN_INTERVAL.toMillis(), id -> drainSpool());
      // Starting while Redis is down is fine: adds spool until it answers.
      return failover.start();
    }).andThen(v -> updateWritable());
  }

  @Override
  public Future<String> add(DlqEntry entry) {
    return failover.add(entry.withId(null)).andThen(result -> updateWritable());
  }

  private void redisUpChanged(boolean redisUp) {
    updateWritable();
    if (redisUp) {
      drainSpool();
    }
  }

  private void drainSpool() {
    if (draining || !failover.redisUp() || spool.isEmpty()) {
      return;
    }
    draining = true;
    spool.tenants()
        .compose(tenants -> sequentially(tenants, this::drainTenant))
        .onComplete(result -> {
          draining = false;
          updateWritable();
        });
  }

  /**
   * Moves the tenant's spool into Redis, oldest first, {@link #DRAIN_BATCH} entries a round: their
   * adds share script calls, their aliases go in one pipeline, and one removal takes them off the
   * spool. Entries added to Redis in a round that then fails are drained again and deduplicated by
   * their markers.
   */
  private Future<Void> drainTenant(String tenant) {
    return spool.scan(tenant, null, EVERYTHING, DRAIN_BATCH).compose(batch -> {
      if (batch.isEmpty()) {
        return Future.succeededFuture();
      }
      List<String> spoolIds = batch.stream().map(DlqEntry::id).toList();
      List<DlqEntry> entries = batch.stream().map(spooled -> spooled.withId(null)).toList();
      return failover.command(() -> Future.all(entries.stream().map(streams::add).toList())
              .compose(added -> streams.recordAliases(tenant, spoolIds, added.list())))
          .compose(ok -> spool.remove(tenant, spoolIds, Removal.DELETED))
          .compose(removed -> drainTenant(tenant));
    });
  }

  private static <T> Future<Void> sequentially(List<T> items, Function<T, Future<Void>> step) {
    Future<Void> chain = Future.succeededFuture();
    for (T item : items) {
      chain = chain.compose(v -> step.apply(item));
    }
    return chain;
  }

  @Override
  public Future<String> currentId(String tenant, String id) {
    return failover.command(() -> streams.currentId(tenant, id));
  }

  @Override
  public Future<List<String>> tenants() {
    return failover.command(streams::tenants);
  }

  @Override
  public Future<List<DlqEntry>> scan(String tenant, StreamId after, DlqFilter filter, int max) {
    return failover.command(() -> streams.scan(tenant, after, filter, max));
  }

  @Override
  public Future<Integer> remove(String tenant, List<String> ids, Removal why) {
    return failover.command(() -> streams.remove(tenant, ids, why));
  }

  @Override
  public Future<Void> expire() {
    return failover.command(streams::expire);
  }

  @Override
  public Future<TenantStats> stats(String tenant) {
    return failover.command(() -> streams.stats(tenant));
  }

  @Override
  public Future<Void> close() {
    failover.stop();
    vertx.cancelTimer(drainTimer);
    return spool.close().andThen(v -> streams.close());
  }

  private void updateWritable() {
    status.set(failover.redisUp() && spoolWritable && spool.isEmpty());
  }
}
