package dev.wfgateway.bench;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Duration;
import java.util.Locale;
import java.util.function.Supplier;
import org.HdrHistogram.Histogram;

/**
 * A throughput driver: keeps {@code concurrency} operations in flight on one context until
 * {@code maxOperations} were started or {@code maxTime} passed, whichever comes first. For the
 * component benchmarks (rate limit, DLQ), where the question is "how many per second at most".
 */
final class ClosedLoop {
  /** Completed operations, failures, elapsed time and per-operation latency (microseconds). */
  static final class Result {
    final Histogram latencyMicros = new Histogram(60_000_000L, 3);
    long completed;
    long failed;
    long elapsedNanos;
    String firstFailure;

    double perSecond() {
      return elapsedNanos == 0 ? 0 : completed * 1e9 / elapsedNanos;
    }

    @Override
    public String toString() {
      return String.format(Locale.ROOT, "%,d ok, %d failed in %.2f s: %,.0f/s; p50 %.2f ms, p99 %.2f ms%s",
          completed, failed, elapsedNanos / 1e9, perSecond(), latencyMicros.getValueAtPercentile(50) / 1000.0,
          latencyMicros.getValueAtPercentile(99) / 1000.0, firstFailure == null ? "" : " (first failure: " + firstFailure + ")");
    }
  }

  private final Context context;
  private final int concurrency;
  private final long maxOperations;
  private final long deadlineNanos;
  private final Supplier<Future<?>> operation;
  private final Result result = new Result();
  private final Promise<Result> done = Promise.promise();
  private long started;
  private long startNanos;
  private int inFlight;

  private ClosedLoop(Context context, int concurrency, long maxOperations, Duration maxTime,
      Supplier<Future<?>> operation) {
    this.context = context;
    this.concurrency = concurrency;
    this.maxOperations = maxOperations;
    this.deadlineNanos = maxTime.toNanos();
    this.operation = operation;
  }

  static Future<Result> run(Context context, int concurrency, long maxOperations, Duration maxTime,
      Supplier<Future<?>> operation) {
    ClosedLoop loop = new ClosedLoop(context, concurrency, maxOperations, maxTime, operation);
    context.runOnContext(v -> loop.start());
    return loop.done.future();
  }

  private void start() {
    startNanos = System.nanoTime();
    for (int i = 0; i < concurrency; i++) {
      next();
    }
  }

  private void next() {
    if (started >= maxOperations || System.nanoTime() - startNanos >= deadlineNanos) {
      if (inFlight == 0 && !done.future().isComplete()) {
        result.elapsedNanos = System.nanoTime() - startNanos;
        done.complete(result);
      }
      return;
    }
    started++;
    inFlight++;
    long begin = System.nanoTime();
    operation.get().onComplete(ar -> {
      inFlight--;
      if (ar.succeeded()) {
        result.completed++;
        result.latencyMicros.recordValue(Math.min(60_000_000L, (System.nanoTime() - begin) / 1000));
      } else {
        result.failed++;
        if (result.firstFailure == null) {
          result.firstFailure = String.valueOf(ar.cause());
        }
      }
      next();
    });
  }
}
