package dev.wfgateway.workflow;

import dev.wfgateway.common.config.CircuitBreakerConfig;
import io.vertx.core.json.JsonObject;
import java.util.function.Consumer;

/**
 * A circuit breaker that trips on a failure rate (and optionally a slow-call rate) over a sliding
 * time window once at least {@code minimumCalls} were seen, stays open for {@code openFor}, then
 * lets exactly {@code halfOpenCalls} probe calls through: all must succeed to close it, and any
 * failure opens it again. A single success never resets it.
 *
 * <p>Plain state machine over an injected clock, changed only on one event loop. Vert.x's own
 * breaker counts failures (not a rate) and closes on one half-open success, which is what this
 * replaces. {@link #peekState}, {@link #failureRate} and {@link #describe} change nothing, so that
 * gauges may read them from a scraping thread; what they read may be a call behind.
 */
final class FailureRateBreaker {
  enum State {
    CLOSED(0), OPEN(1), HALF_OPEN(2);

    final int metricValue;

    State(int metricValue) {
      this.metricValue = metricValue;
    }

    String wire() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** Buckets per window: the window slides in steps of window / BUCKETS. */
  private static final int BUCKETS = 20;

  private final CircuitBreakerConfig config;
  private final Consumer<FailureRateBreaker> onStateChange;
  private final long bucketNanos;
  private final long[] bucketStart = new long[BUCKETS];
  private final int[] calls = new int[BUCKETS];
  private final int[] failures = new int[BUCKETS];
  private final int[] slow = new int[BUCKETS];
  private volatile State state = State.CLOSED;
  private volatile long openedAtNanos;
  private int probesStarted;
  private int probesSucceeded;
  private long rejected;

  FailureRateBreaker(CircuitBreakerConfig config, Consumer<FailureRateBreaker> onStateChange) {
    this.config = config;
    this.onStateChange = onStateChange;
    this.bucketNanos = Math.max(1, config.window().toNanos() / BUCKETS);
  }

  String name() {
    return config.name();
  }

  /** The state now, moving an open breaker whose {@code openFor} is over to half open (and publishing that). */
  State state(long nowNanos) {
    State now = peekState(nowNanos);
    if (now != state) {
      transition(now, nowNanos);
    }
    return now;
  }

  /** What {@link #state} would answer, without moving to it: the half-open move waits for the next call. */
  State peekState(long nowNanos) {
    State current = state;
    return current == State.OPEN && nowNanos - openedAtNanos >= config.openFor().toNanos() ? State.HALF_OPEN : current;
  }

  /** Whether a call may go out now; an open breaker (or one out of probes) answers false at once. */
  boolean tryAcquire(long nowNanos) {
    switch (state(nowNanos)) {
      case CLOSED:
        return true;
      case HALF_OPEN:
        if (probesStarted < config.halfOpenCalls()) {
          probesStarted++;
          return true;
        }
        rejected++;
        return false;
      default:
        rejected++;
        return false;
    }
  }

  /** Records the outcome of a call that {@link #tryAcquire} let through. */
  void onResult(boolean success, long durationNanos, long nowNanos) {
    boolean slowCall = config.slowCallDuration() != null && durationNanos >= config.slowCallDuration().toNanos();
    switch (state) {
      case CLOSED -> {
        record(success, slowCall, nowNanos);
        if (shouldOpen(nowNanos)) {
          transition(State.OPEN, nowNanos);
        }
      }
      case HALF_OPEN -> {
        if (!success || slowCall) {
          transition(State.OPEN, nowNanos);
        } else if (++probesSucceeded >= config.halfOpenCalls()) {
          transition(State.CLOSED, nowNanos);
        }
      }
      default -> {
        // a call admitted before the breaker opened: its outcome no longer matters
      }
    }
  }

  /** Closes the breaker by hand (admin reset), forgetting the window. */
  void reset(long nowNanos) {
    transition(State.CLOSED, nowNanos);
  }

  double failureRate(long nowNanos) {
    int[] totals = totals(nowNanos);
    return totals[0] == 0 ? 0.0 : (double) totals[1] / totals[0];
  }

  JsonObject describe(long nowNanos) {
    int[] totals = totals(nowNanos);
    return new JsonObject()
        .put("name", config.name())
        .put("state", peekState(nowNanos).wire())
        .put("failureRate", totals[0] == 0 ? 0.0 : (double) totals[1] / totals[0])
        .put("calls", totals[0])
        .put("failures", totals[1])
        .put("slowCalls", totals[2])
        .put("rejectedCalls", rejected)
        .put("failureRateThreshold", config.failureRateThreshold())
        .put("minimumCalls", config.minimumCalls())
        .put("windowSeconds", config.window().toSeconds())
        .put("openForMillis", config.openFor().toMillis())
        .put("halfOpenCalls", config.halfOpenCalls());
  }

  private void record(boolean success, boolean slowCall, long nowNanos) {
    int i = bucket(nowNanos);
    calls[i]++;
    if (!success) {
      failures[i]++;
    }
    if (slowCall) {
      slow[i]++;
    }
  }

  private boolean shouldOpen(long nowNanos) {
    int[] totals = totals(nowNanos);
    if (totals[0] < config.minimumCalls()) {
      return false;
    }
    return (double) totals[1] / totals[0] >= config.failureRateThreshold()
        || (config.slowCallDuration() != null && (double) totals[2] / totals[0] >= config.slowCallRateThreshold());
  }

  /** The bucket for {@code nowNanos}, cleared if it last held an older slot of the ring. */
  private int bucket(long nowNanos) {
    long slot = Math.floorDiv(nowNanos, bucketNanos);
    int i = (int) Math.floorMod(slot, BUCKETS);
    if (bucketStart[i] != slot) {
      bucketStart[i] = slot;
      calls[i] = 0;
      failures[i] = 0;
      slow[i] = 0;
    }
    return i;
  }

  /** {calls, failures, slow} over the buckets still inside the window. */
  private int[] totals(long nowNanos) {
    long current = Math.floorDiv(nowNanos, bucketNanos);
    int[] totals = new int[3];
    for (int i = 0; i < BUCKETS; i++) {
      if (current - bucketStart[i] < BUCKETS && bucketStart[i] <= current) {
        totals[0] += calls[i];
        totals[1] += failures[i];
        totals[2] += slow[i];
      }
    }
    return totals;
  }

  private void clearWindow() {
    java.util.Arrays.fill(calls, 0);
    java.util.Arrays.fill(failures, 0);
    java.util.Arrays.fill(slow, 0);
  }

  private void transition(State next, long nowNanos) {
    State previous = state;
    probesStarted = 0;
    probesSucceeded = 0;
    if (next == State.OPEN) {
      openedAtNanos = nowNanos; // before the state: a gauge that reads OPEN then reads this opening
    }
    if (next == State.CLOSED) {
      clearWindow();
    }
    state = next;
    if (previous != next) {
      onStateChange.accept(this);
    }
  }
}
