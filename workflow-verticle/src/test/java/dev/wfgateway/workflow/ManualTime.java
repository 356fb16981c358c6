package dev.wfgateway.workflow;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * A clock and timers that only the test moves: {@link #advance} fires every timer falling due on
 * the way, in order, each with the clock set to its own instant. Confined to one thread.
 */
final class ManualTime extends Clock implements Timers {
  static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

  private record Scheduled(long id, long dueMillis, Runnable action) {
  }

  private final PriorityQueue<Scheduled> pending = new PriorityQueue<>(
      Comparator.comparingLong(Scheduled::dueMillis).thenComparingLong(Scheduled::id));
  private final List<Long> delays = new ArrayList<>();
  private long elapsedMillis;
  private long nextId;

  /** Milliseconds since {@link #START}. */
  long elapsed() {
    return elapsedMillis;
  }

  /** Every delay asked for, in the order asked. */
  List<Long> delays() {
    return List.copyOf(delays);
  }

  int pending() {
    return pending.size();
  }

  void advance(Duration by) {
    advance(by.toMillis());
  }

  void advance(long millis) {
    long target = elapsedMillis + millis;
    while (!pending.isEmpty() && pending.peek().dueMillis() <= target) {
      Scheduled next = pending.poll();
      elapsedMillis = next.dueMillis();
      next.action().run();
    }
    elapsedMillis = target;
  }

  @Override
  public long schedule(long delayMillis, Runnable action) {
    if (delayMillis < 1) {
      throw new IllegalArgumentException("Vert.x refuses a timer of " + delayMillis + " ms");
    }
    delays.add(delayMillis);
    Scheduled timer = new Scheduled(nextId++, elapsedMillis + delayMillis, action);
    pending.add(timer);
    return timer.id();
  }

  @Override
  public void cancel(long id) {
    pending.removeIf(timer -> timer.id() == id);
  }

  @Override
  public Instant instant() {
    return START.plusMillis(elapsedMillis);
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }
}
