package dev.wfgateway.bench;

import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/**
 * What one open-loop stream measured after its warm-up: latencies (microseconds, from each request's
 * scheduled send time) of every answered request, how late the generator sent each request, and the
 * outcome counts.
 */
final class LoadResult {
  final String name;
  final double offeredRate;
  final Histogram latencyMicros = new Histogram(60_000_000L, 3);
  /** Send time minus scheduled time of every measured request: the generator's own lateness. */
  final Histogram sendLagMicros = new Histogram(60_000_000L, 3);
  final Map<String, Integer> errorKinds = new TreeMap<>();
  long ok;
  long limited;
  long errors;
  long firstScheduledNanos;
  long lastCompletedNanos;
  /** Round trips to Redis per request, or NaN when not measured. */
  double redisRoundTrips = Double.NaN;

  LoadResult(String name, double offeredRate) {
    this.name = name;
    this.offeredRate = offeredRate;
  }

  long requests() {
    return ok + limited + errors;
  }

  /** Answers per second over the measured window (first scheduled send to last answer). */
  double achievedRate() {
    double seconds = (lastCompletedNanos - firstScheduledNanos) / 1e9;
    return seconds <= 0 ? 0 : (ok + limited) / seconds;
  }

  double errorRate() {
    return requests() == 0 ? 1.0 : (double) errors / requests();
  }

  double limitedRate() {
    return requests() == 0 ? 0.0 : (double) limited / requests();
  }

  /** Latency at the given percentile, in milliseconds. */
  double millisAt(double percentile) {
    return latencyMicros.getValueAtPercentile(percentile) / 1000.0;
  }

  /** How late the generator sent its requests at the given percentile, in milliseconds. */
  double sendLagMillisAt(double percentile) {
    return sendLagMicros.getValueAtPercentile(percentile) / 1000.0;
  }

  void countError(String kind) {
    errors++;
    errorKinds.merge(kind, 1, Integer::sum);
  }
}
