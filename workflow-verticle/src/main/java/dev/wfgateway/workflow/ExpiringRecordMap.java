package dev.wfgateway.workflow;

import io.vertx.core.Future;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * Records with a time to live in this node's memory, for one event loop. An expired record is
 * never answered; it is dropped by a sweep every {@link #SWEEP_MILLIS}, which walks the writes in
 * the order they were made and stops at the first that has not expired (every write of one map
 * carries the same retention, so that order is the order of expiry, give or take a write).
 */
final class ExpiringRecordMap implements RecordMap {
  static final long SWEEP_MILLIS = 1_000;

  private record Entry(String value, long expiresAtMillis) {
  }

  private record Expiry(String key, long atMillis) {
  }

  private final Clock clock;
  private final Map<String, Entry> entries = new HashMap<>();
  private final Deque<Expiry> expiries = new ArrayDeque<>();

  ExpiringRecordMap(Timers timers, Clock clock) {
    this.clock = clock;
    sweepEvery(timers);
  }

  private void sweepEvery(Timers timers) {
    timers.schedule(SWEEP_MILLIS, () -> {
      sweep();
      sweepEvery(timers);
    });
  }

  /** Drops what has expired; the writes that expire later stay queued. */
  void sweep() {
    long now = clock.millis();
    while (!expiries.isEmpty() && expiries.peekFirst().atMillis() <= now) {
      Expiry expiry = expiries.pollFirst();
      Entry entry = entries.get(expiry.key());
      if (entry != null && entry.expiresAtMillis() <= now) {
        entries.remove(expiry.key());
      }
    }
  }

  int size() {
    return entries.size();
  }

  @Override
  public Future<String> get(String key) {
    Entry entry = live(key);
    return Future.succeededFuture(entry == null ? null : entry.value());
  }

  @Override
  public Future<Void> put(String key, String value, long ttlMillis) {
    store(key, value, ttlMillis);
    return Future.succeededFuture();
  }

  @Override
  public Future<String> putIfAbsent(String key, String value, long ttlMillis) {
    Entry existing = live(key);
    if (existing != null) {
      return Future.succeededFuture(existing.value());
    }
    store(key, value, ttlMillis);
    return Future.succeededFuture();
  }

  @Override
  public Future<Boolean> removeIfPresent(String key, String value) {
    Entry existing = live(key);
    boolean present = existing != null && existing.value().equals(value);
    if (present) {
      entries.remove(key);
    }
    return Future.succeededFuture(present);
  }

  private Entry live(String key) {
    Entry entry = entries.get(key);
    return entry == null || entry.expiresAtMillis() <= clock.millis() ? null : entry;
  }

  private void store(String key, String value, long ttlMillis) {
    long expiresAt = clock.millis() + ttlMillis;
    entries.put(key, new Entry(value, expiresAt));
    expiries.addLast(new Expiry(key, expiresAt));
  }
}
