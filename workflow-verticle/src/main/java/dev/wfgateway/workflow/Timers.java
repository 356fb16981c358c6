package dev.wfgateway.workflow;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

/** The timers the engine and the executor wait on: Vert.x's in production, hand-driven ones in tests. */
interface Timers {
  /** Runs {@code action} once, {@code delayMillis} (at least 1) from now; the id cancels it. */
  long schedule(long delayMillis, Runnable action);

  void cancel(long id);

  /** Completes {@code delayMillis} (at least 1) from now. */
  default Future<Void> delay(long delayMillis) {
    Promise<Void> done = Promise.promise();
    schedule(delayMillis, done::complete);
    return done.future();
  }

  static Timers of(Vertx vertx) {
    return new Timers() {
      @Override
      public long schedule(long delayMillis, Runnable action) {
        return vertx.setTimer(delayMillis, id -> action.run());
      }

      @Override
      public void cancel(long id) {
        vertx.cancelTimer(id);
      }
    };
  }
}
