package dev.wfgateway.bench;

import java.util.List;

/**
 * The load suite's scenarios and their offered rates (requests per second), chosen well below what
 * the platform saturates at on 2 cores so the latency figures describe a healthy node.
 */
final class LoadScenarios {
  static final double HEALTH_RATE = 1000;
  static final double SUBMIT_RATE = 500;
  static final double LIGHT_RATE = 200;
  /** Every rate a scenario offers: the bare-HTTP floor is measured at each. */
  static final List<Double> RATES = List.of(HEALTH_RATE, SUBMIT_RATE, LIGHT_RATE);
  static final int REPLAY_KEYS = 20;

  private LoadScenarios() {
  }

  static List<Scenario> all(GatewayCalls calls) {
    String t = BenchConfig.TENANT;
    return List.of(
        Scenario.single("health", HEALTH_RATE, calls.health()),
        Scenario.single("sync-eventbus", SUBMIT_RATE, calls.submit(i -> t, BenchConfig.EB_ECHO, false)),
        Scenario.single("sync-http", SUBMIT_RATE, calls.submit(i -> t, BenchConfig.HTTP_ECHO, false)),
        Scenario.single("async-poll", LIGHT_RATE, calls.submitAndPoll(t, BenchConfig.EB_ECHO)),
        // Twice the tenant's limit: about half the requests get 429, which is the point.
        Scenario.single("rate-limited", 2.0 * BenchConfig.LIMITED_PER_SECOND,
            calls.submit(i -> BenchConfig.LIMITED, BenchConfig.EB_ECHO, true)),
        new Scenario("noisy-neighbour", List.of(
            new Scenario.Stream("quiet", LIGHT_RATE,
                calls.submit(BenchConfig::quietTenant, BenchConfig.HTTP_ECHO, false)),
            // Slow runs at ten times what the noisy tenant's bulkhead admits: it stays full, and most get 429.
            new Scenario.Stream("noisy", LIGHT_RATE,
                calls.submit(i -> BenchConfig.NOISY, BenchConfig.SLOW_ECHO, true)))),
        Scenario.single("idempotent-replay", SUBMIT_RATE,
            calls.idempotentReplay(t, BenchConfig.EB_ECHO, REPLAY_KEYS)));
  }
}
