package dev.wfgateway.ratelimit;

/**
 * The times (ms) of the units consumed in one policy's window, oldest first: a ring buffer of
 * longs that grows as needed (the limiter never lets it hold more units than the policy's limit).
 */
final class SlidingLog {
  private long[] times = new long[8];
  private int head;
  private int size;
  private long idleAt;

  int size() {
    return size;
  }

  /** The time of the unit of the given rank, 0 being the oldest. */
  long time(int rank) {
    return times[(head + rank) % times.length];
  }

  /** Forgets the units consumed at or before {@code cutoff}. */
  void dropUpTo(long cutoff) {
    while (size > 0 && times[head] <= cutoff) {
      head = (head + 1) % times.length;
      size--;
    }
  }

  void append(long time, int units, long windowMillis) {
    if (size + units > times.length) {
      grow(size + units);
    }
    for (int i = 0; i < units; i++) {
      times[(head + size) % times.length] = time;
      size++;
    }
    idleAt = time + windowMillis;
  }

  /** True when every unit appended so far has left its window. */
  boolean idle(long now) {
    return now >= idleAt;
  }

  private void grow(int needed) {
    long[] bigger = new long[Math.max(needed, times.length * 2)];
    for (int i = 0; i < size; i++) {
      bigger[i] = time(i);
    }
    times = bigger;
    head = 0;
  }
}
