package dev.wfgateway.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The load suite's report: one Markdown row per measured stream, with its ratios to the bare-HTTP
 * floor measured at the same offered rate and its budget verdict.
 */
final class ResultTable {
  private final List<String> lines = new ArrayList<>(List.of(
      "| row | offered/s | achieved/s | p50 ms | p95 ms | p99 ms | p99.9 ms | max ms | errors | 429s | Redis RT/req"
          + " | p50 ÷ floor | p99 ÷ floor | budget |",
      "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"));
  private int failures;

  /** Adds a row and returns it; {@code floor} may be null (the floors themselves) and {@code misses} null (no budget). */
  String add(String row, LoadResult r, LoadResult floor, List<String> misses) {
    String verdict = misses == null ? "reference" : misses.isEmpty() ? "PASS" : "FAIL: " + String.join("; ", misses);
    if (misses != null && !misses.isEmpty()) {
      failures++;
    }
    String line = String.format(Locale.ROOT,
        "| %s | %.0f | %.0f | %.2f | %.2f | %.2f | %.2f | %.2f | %s | %s | %s | %s | %s | %s |",
        row, r.offeredRate, r.achievedRate(), r.millisAt(50), r.millisAt(95), r.millisAt(99), r.millisAt(99.9),
        r.latencyMicros.getMaxValue() / 1000.0, errors(r), percent(r.limitedRate()),
        Double.isNaN(r.redisRoundTrips) ? "–" : String.format(Locale.ROOT, "%.2f", r.redisRoundTrips),
        ratio(r.millisAt(50), floor == null ? 0 : floor.millisAt(50)),
        ratio(r.millisAt(99), floor == null ? 0 : floor.millisAt(99)),
        verdict);
    lines.add(line);
    return line;
  }

  private static String errors(LoadResult r) {
    if (r.errors == 0) {
      return "0";
    }
    StringBuilder kinds = new StringBuilder();
    for (Map.Entry<String, Integer> e : r.errorKinds.entrySet()) {
      kinds.append(kinds.length() == 0 ? "" : ", ").append(e.getValue()).append("× ").append(e.getKey());
    }
    return percent(r.errorRate()) + " (" + kinds + ")";
  }

  private static String percent(double fraction) {
    return String.format(Locale.ROOT, "%.2f %%", 100 * fraction);
  }

  private static String ratio(double value, double floor) {
    return floor <= 0 ? "–" : String.format(Locale.ROOT, "%.1f×", value / floor);
  }

  int failures() {
    return failures;
  }

  String render() {
    return String.join("\n", lines);
  }
}
