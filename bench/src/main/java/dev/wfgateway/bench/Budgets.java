package dev.wfgateway.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;

/**
 * The budgets of {@code budgets.properties}: for a report row such as {@code redis.sync-http}, the
 * value of {@code <metric>} is looked up as {@code redis.sync-http.<metric>}, then
 * {@code sync-http.<metric>} (both backends), then {@code default.<metric>}.
 */
final class Budgets {
  static final String RESOURCE = "/budgets.properties";

  private final Properties values;

  Budgets(Properties values) {
    this.values = values;
  }

  static Budgets load() {
    Properties properties = new Properties();
    try (InputStream in = Budgets.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("missing " + RESOURCE);
      }
      properties.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new Budgets(properties);
  }

  /** The budget of {@code metric} for {@code row}, or null when none applies. */
  Double value(String row, String metric) {
    String withoutBackend = row.substring(row.indexOf('.') + 1);
    for (String key : List.of(row + "." + metric, withoutBackend + "." + metric, "default." + metric)) {
      String v = values.getProperty(key);
      if (v != null) {
        return Double.valueOf(v.trim());
      }
    }
    return null;
  }

  /** Every budget {@code result} misses, as readable sentences; empty when it passes. */
  List<String> violations(String row, LoadResult result) {
    List<String> misses = new ArrayList<>();
    atMost(misses, row, "p50Ms", result.millisAt(50));
    atMost(misses, row, "p95Ms", result.millisAt(95));
    atMost(misses, row, "p99Ms", result.millisAt(99));
    atMost(misses, row, "p999Ms", result.millisAt(99.9));
    atMost(misses, row, "errorRate", result.errorRate());
    atMost(misses, row, "limitedMax", result.limitedRate());
    atLeast(misses, row, "limitedMin", result.limitedRate());
    atLeast(misses, row, "minThroughput", result.achievedRate());
    return misses;
  }

  private void atMost(List<String> misses, String row, String metric, double actual) {
    Double budget = value(row, metric);
    if (budget != null && actual > budget) {
      misses.add(String.format(Locale.ROOT, "%s %.3f > %.3f", metric, actual, budget));
    }
  }

  private void atLeast(List<String> misses, String row, String metric, double actual) {
    Double budget = value(row, metric);
    if (budget != null && actual < budget) {
      misses.add(String.format(Locale.ROOT, "%s %.3f < %.3f", metric, actual, budget));
    }
  }
}
