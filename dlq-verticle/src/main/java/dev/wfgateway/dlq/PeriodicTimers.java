package dev.wfgateway.dlq;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;

/** Periodic timers: Vert.x's in the verticle ({@link #of}), a test's own that it advances by hand. */
interface PeriodicTimers {

  /** Calls {@code tick} every {@code periodMillis} until cancelled; returns the timer's id. */
  long start(long periodMillis, Handler<Long> tick);

  void cancel(long id);

  static PeriodicTimers of(Vertx vertx) {
    return new PeriodicTimers() {
      @Override
      public long start(long periodMillis, Handler<Long> tick) {
        return vertx.setPeriodic(periodMillis, tick);
      }

      @Override
      public void cancel(long id) {
        vertx.cancelTimer(id);
      }
    };
  }
}
