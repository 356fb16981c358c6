package dev.wfgateway.testkit;

import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Polling with a deadline for async tests, on Vert.x timers: nothing blocks, and the future fails
 * naming what was awaited, and how the last look went, once the deadline passes. The interval is
 * only the pause between looks.
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
    return until(vertx, what, timeout, check, Boolean::booleanValue).mapEmpty();
  }

  /** Succeeds with the first value of {@code look} that is {@code done}; a failed look counts as not done. */
  public static <T> Future<T> until(Vertx vertx, String what, Duration timeout, Supplier<Future<T>> look,
      Predicate<T> done) {
    return attempt(vertx, what, timeout, System.nanoTime() + timeout.toNanos(), look, done);
  }

  private static <T> Future<T> attempt(Vertx vertx, String what, Duration timeout, long deadline,
      Supplier<Future<T>> look, Predicate<T> done) {
    return look.get().transform(seen -> {
      if (seen.succeeded() && done.test(seen.result())) {
        return Future.succeededFuture(seen.result());
      }
      if (System.nanoTime() > deadline) {
        return Future.failedFuture(new AssertionError("timed out after " + timeout + " waiting for " + what
            + "; last look: " + outcome(seen)));
      }
      return vertx.timer(INTERVAL_MILLIS).compose(t -> attempt(vertx, what, timeout, deadline, look, done));
    });
  }

  private static String outcome(AsyncResult<?> seen) {
    return seen.succeeded() ? String.valueOf(seen.result()) : "failed: " + seen.cause();
  }
}
