package dev.wfgateway.workflow;

import dev.wfgateway.common.config.CircuitBreakerConfig;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost the workflow verticle's breaker adds to one step call: {@code tryAcquire} before it and
 * {@code onResult} after it, on a closed breaker. The clock is a counter advancing 10 µs per call,
 * so the sliding window's buckets roll over as in real use and {@code System.nanoTime()} is not
 * part of the figure. In this package because {@link FailureRateBreaker} is package-private.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class FailureRateBreakerBenchmark {
  private static final long CALL_NANOS = 10_000;

  private FailureRateBreaker breaker;
  private long now;
  private long calls;

  @Setup
  public void setUp() {
    breaker = new FailureRateBreaker(CircuitBreakerConfig.defaults("bench"), b -> { });
  }

  /** Every call succeeds. */
  @Benchmark
  public boolean successfulCall() {
    now += CALL_NANOS;
    boolean permitted = breaker.tryAcquire(now);
    breaker.onResult(true, CALL_NANOS, now);
    return permitted;
  }

  /** One call in ten fails: under the 50 % threshold, so the breaker stays closed and counts both kinds. */
  @Benchmark
  public boolean tenPercentFailing() {
    now += CALL_NANOS;
    boolean permitted = breaker.tryAcquire(now);
    breaker.onResult(++calls % 10 != 0, CALL_NANOS, now);
    return permitted;
  }
}
