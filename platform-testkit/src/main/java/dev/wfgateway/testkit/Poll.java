package dev.wfgateway.testkit;

import java.time.Duration;
import java.util.function.Supplier;

/** Waits on child processes with a deadline: the interval is only the pause between looks. */
final class Poll {
  private static final long INTERVAL_MILLIS = 50;

  private Poll() {
  }

  /**
   * Looks until {@code look} gives a non-null value and returns it; after {@code timeout}, throws
   * an IllegalStateException saying what was awaited and, from {@code state}, how things stood.
   */
  static <T> T until(String what, Duration timeout, Supplier<T> look, Supplier<String> state) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      T value = look.get();
      if (value != null) {
        return value;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("timed out after " + timeout + " waiting for " + what + "; " + state.get());
      }
      try {
        Thread.sleep(INTERVAL_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for " + what, e);
      }
    }
  }
}
