package dev.wfgateway.workflow;

import dev.wfgateway.common.Addresses;
import dev.wfgateway.common.MetricNames;
import dev.wfgateway.common.config.PlatformConfig;
import dev.wfgateway.common.config.StepTarget;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Comparator;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongSupplier;

/**
 * This node's breakers, one per tenant and breaker name (a configured name, or the default per
 * event-bus address or HTTP host), created on first use: a tenant's failures open only its own
 * breaker for a downstream that other tenants share. Every instance of a name follows that name's
 * configured policy. Every state change is published on {@code platform.events.circuit} and
 * exported as {@code platform_circuit_state} (0 closed, 1 open, 2 half open) and
 * {@code platform_circuit_failure_rate}, tagged {@code name} and {@code tenant}.
 */
final class CircuitBreakers {
  /** One tenant's breaker of one name; sorted by name, then tenant. */
  private record Key(String name, String tenant) implements Comparable<Key> {
    private static final Comparator<Key> ORDER = Comparator.comparing(Key::name).thenComparing(Key::tenant);

    @Override
    public int compareTo(Key other) {
      return ORDER.compare(this, other);
    }
  }

  private final Vertx vertx;
  private PlatformConfig config;
  private final MeterRegistry registry;
  private final LongSupplier clock;
  private final Map<Key, FailureRateBreaker> breakers = new TreeMap<>();

  CircuitBreakers(Vertx vertx, PlatformConfig config, MeterRegistry registry, LongSupplier clock) {
    this.vertx = vertx;
    this.config = config;
    this.registry = registry;
    this.clock = clock;
  }

  FailureRateBreaker forTarget(StepTarget target, String tenant) {
    return breakers.computeIfAbsent(new Key(target.circuitBreaker(), tenant), key -> {
      FailureRateBreaker breaker = new FailureRateBreaker(config.breakerFor(target), b -> publish(key, b));
      // Gauges only peek: a scrape never moves a breaker nor publishes from the scraping thread.
      Gauge.builder(MetricNames.CIRCUIT_STATE, breaker, b -> b.peekState(clock.getAsLong()).metricValue)
          .description("Circuit breaker state on this node: 0 closed, 1 open, 2 half open")
          .tags("name", key.name(), "tenant", key.tenant()).register(registry);
      Gauge.builder("platform.circuit.failure.rate", breaker, b -> b.failureRate(clock.getAsLong()))
          .description("Failure rate over the breaker's window on this node")
          .tags("name", key.name(), "tenant", key.tenant()).register(registry);
      return breaker;
    });
  }

  /** Breakers created from now on follow {@code next}'s policies; those that exist keep theirs and their state. */
  void configure(PlatformConfig next) {
    config = next;
  }

  JsonArray describe() {
    long now = clock.getAsLong();
    JsonArray all = new JsonArray();
    breakers.forEach((key, breaker) -> all.add(describe(key, breaker, now)));
    return all;
  }

  /** Closes the breakers of {@code name}: every tenant's, or only {@code tenant}'s when it is not null. */
  void reset(String name, String tenant) {
    long now = clock.getAsLong();
    breakers.forEach((key, breaker) -> {
      if (key.name().equals(name) && (tenant == null || key.tenant().equals(tenant))) {
        breaker.reset(now);
      }
    });
  }

  long now() {
    return clock.getAsLong();
  }

  private void publish(Key key, FailureRateBreaker breaker) {
    vertx.eventBus().publish(Addresses.EVENTS_CIRCUIT, describe(key, breaker, clock.getAsLong()));
  }

  private static JsonObject describe(Key key, FailureRateBreaker breaker, long now) {
    return new JsonObject().put("name", key.name()).put("tenant", key.tenant()).mergeIn(breaker.describe(now));
  }
}
