package dev.wfgateway.testkit;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Polling with a deadline for async tests, on Vert.x timers: nothing blocks, and the future fails
 * naming what was awaited once the deadline passes. The interval is only the pause between looks.
 */
public final class Eventually {
  private static final long INTERVAL_MILLIS = 20;

  private Eventually() {
  }

  /** Succeeds once {@code condition} (non-blocking, read on an event loop) holds. */
  public static Future<Void> holds(Vertx vertx, String what, Duration timeout, BooleanSupplier condition) {
    return answers(vertx, what, timeout, () -> Future.succeededFuture(condition.getAsBoolean()));
  }

  /** Succeeds once {@code check} answers true; a failed check counts as false. */
  public static Future<Void> answers(Vertx vertx, String what, Duration timeout, Supplier<Future<Boolean>> check) {
    return look(vertx, what, timeout, System.nanoTime() + timeout.toNanos(), check);
  }

  private static Future<Void> look(Vertx vertx, String what, Duration timeout, long deadline,
      Supplier<Future<Boolean>> check) {
    return check.get().otherwise(false).compose(holds -> {
      if (holds) {
        return Future.succeededFuture();
      }
      if (System.nanoTime() > deadline) {
        return Future.failedFuture(new AssertionError("timed out after " + timeout + " waiting for " + what));
      }
      return vertx.timer(INTERVAL_MILLIS).compose(v -> look(vertx, what, timeout, deadline, check));
    });
  }
}
