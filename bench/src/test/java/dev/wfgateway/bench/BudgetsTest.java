package dev.wfgateway.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Properties;
import org.junit.jupiter.api.Test;

class BudgetsTest {
  private final Budgets budgets = new Budgets(properties(
      "default.p99Ms", "1000", "sync-http.p99Ms", "50", "redis.sync-http.p99Ms", "80", "rate-limited.limitedMin", "0.4"));

  @Test
  void theMostSpecificBudgetWins() {
    assertThat(budgets.value("redis.sync-http", "p99Ms")).isEqualTo(80.0);
    assertThat(budgets.value("local.sync-http", "p99Ms")).isEqualTo(50.0);
    assertThat(budgets.value("local.health", "p99Ms")).isEqualTo(1000.0);
    assertThat(budgets.value("local.health", "limitedMin")).isNull();
  }

  @Test
  void aResultOverBudgetSaysWhichBudgetItMissed() {
    LoadResult result = new LoadResult("local.rate-limited", 200);
    result.latencyMicros.recordValue(2_000_000);
    result.ok = 10;
    result.limited = 1;
    assertThat(budgets.violations("local.rate-limited", result)).satisfiesExactly(
        p99 -> assertThat(p99).startsWith("p99Ms 200").endsWith(" > 1000.000"),
        limited -> assertThat(limited).isEqualTo("limitedMin 0.091 < 0.400"));
  }

  private static Properties properties(String... pairs) {
    Properties p = new Properties();
    for (int i = 0; i < pairs.length; i += 2) {
      p.setProperty(pairs[i], pairs[i + 1]);
    }
    return p;
  }
}
