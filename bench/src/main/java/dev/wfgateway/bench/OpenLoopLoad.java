package dev.wfgateway.bench;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Duration;
import org.HdrHistogram.Histogram;

/**
 * An open-loop load generator: request {@code i} is due at {@code start + i / rate}, whether or not
 * earlier requests have been answered, and its latency is measured from that scheduled time, so a
 * stalled server shows up as latency instead of as fewer requests (no coordinated omission).
 *
 * <p>Runs on one event-loop context: a 1 ms periodic timer sends whatever is due, and every
 * callback records on the same thread, so the histograms need no locking. How late each request
 * left against its schedule is recorded too: when that grows, the generator (not the target) is
 * what failed to keep the rate. The run is bounded twice: by its request count
 * ({@code rate × (warm-up + measure)}) and by a drain deadline after the last send, past which
 * unanswered requests count as errors.
 */
final class OpenLoopLoad {
  static final Duration DRAIN = Duration.ofSeconds(15);

  private final Context context;
  private final double rate;
  private final long warmupCount;
  private final long total;
  private final Duration drain;
  private final Call call;
  private final LoadResult result;
  private final Promise<LoadResult> done = Promise.promise();
  private long startNanos;
  private long sent;
  private long settled;
  private long timer = -1;

  private OpenLoopLoad(Context context, String name, double rate, Duration warmup, Duration measure, Duration drain,
      Call call) {
    this.context = context;
    this.rate = rate;
    this.warmupCount = Math.round(rate * warmup.toNanos() / 1e9);
    this.total = warmupCount + Math.max(1, Math.round(rate * measure.toNanos() / 1e9));
    this.drain = drain;
    this.call = call;
    this.result = new LoadResult(name, rate);
  }

  /** Runs one stream on {@code context}; the future completes (on that context) when all requests settled or the drain deadline passed. */
  static Future<LoadResult> run(Context context, String name, double rate, Duration warmup, Duration measure,
      Call call) {
    return run(context, name, rate, warmup, measure, DRAIN, call);
  }

  /** As above, with unanswered requests counted as errors {@code drain} after the last send. */
  static Future<LoadResult> run(Context context, String name, double rate, Duration warmup, Duration measure,
      Duration drain, Call call) {
    OpenLoopLoad load = new OpenLoopLoad(context, name, rate, warmup, measure, drain, call);
    context.runOnContext(v -> load.start());
    return load.done.future();
  }

  private void start() {
    startNanos = System.nanoTime();
    result.firstScheduledNanos = scheduled(warmupCount);
    timer = context.owner().setPeriodic(0, 1, id -> sendDue());
  }

  private long scheduled(long i) {
    return startNanos + (long) (i * 1e9 / rate);
  }

  private void sendDue() {
    long now = System.nanoTime();
    long due = Math.min(total, (long) ((now - startNanos) * rate / 1e9) + 1);
    while (sent < due) {
      long i = sent++;
      long scheduledAt = scheduled(i);
      if (i >= warmupCount) {
        recordMicros(result.sendLagMicros, now - scheduledAt);
      }
      Future<Outcome> answer;
      try {
        answer = call.send(i);
      } catch (RuntimeException e) {
        answer = Future.failedFuture(e);
      }
      answer.onComplete(ar -> settle(i, scheduledAt, ar.succeeded() ? ar.result() : null,
          ar.succeeded() ? null : ar.cause()));
    }
    if (sent == total) {
      context.owner().cancelTimer(timer);
      context.owner().setTimer(drain.toMillis(), id -> finish());
    }
  }

  private void settle(long i, long scheduledAt, Outcome outcome, Throwable failure) {
    if (done.future().isComplete()) {
      return;
    }
    settled++;
    long now = System.nanoTime();
    if (i >= warmupCount) {
      if (outcome == null) {
        result.countError(failure instanceof UnexpectedAnswer ? failure.getMessage()
            : failure.getClass().getSimpleName());
      } else {
        recordMicros(result.latencyMicros, now - scheduledAt);
        result.lastCompletedNanos = Math.max(result.lastCompletedNanos, now);
        if (outcome == Outcome.OK) {
          result.ok++;
        } else {
          result.limited++;
        }
      }
    }
    if (settled == total) {
      finish();
    }
  }

  private static void recordMicros(Histogram histogram, long nanos) {
    histogram.recordValue(Math.min(histogram.getHighestTrackableValue(), Math.max(0, nanos / 1000)));
  }

  private void finish() {
    if (done.future().isComplete()) {
      return;
    }
    long unanswered = total - settled;
    for (long k = 0; k < unanswered; k++) {
      result.countError("no answer within drain deadline");
    }
    done.complete(result);
  }
}
