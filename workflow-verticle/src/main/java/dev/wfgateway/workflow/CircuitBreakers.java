package dev.wfgateway.workflow;

import dev.wfgateway.common.Addresses;
import dev.wfgateway.common.MetricNames;
import dev.wfgateway.common.config.PlatformConfig;
import dev.wfgateway.common.config.StepDefinition;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongSupplier;

/**
 * This node's breakers, one per configured name or per downstream (event-bus address, HTTP host),
 * created on first use. Every state change is published on {@code platform.events.circuit} and
 * exported as {@code platform_circuit_state} (0 closed, 1 open, 2 half open) and
 * {@code platform_circuit_failure_rate}.
 */
final class CircuitBreakers {
  private final Vertx vertx;
  private final PlatformConfig config;
  private final MeterRegistry registry;
  private final LongSupplier clock;
  private final Map<String, FailureRateBreaker> breakers = new TreeMap<>();

  CircuitBreakers(Vertx vertx, PlatformConfig config, MeterRegistry registry, LongSupplier clock) {
    this.vertx = vertx;
    this.config = config;
    this.registry = registry;
    this.clock = clock;
  }

  FailureRateBreaker forStep(StepDefinition step) {
    return breakers.computeIfAbsent(step.circuitBreaker(), name -> {
      FailureRateBreaker breaker = new FailureRateBreaker(config.breakerFor(step), this::publish);
      Gauge.builder(MetricNames.CIRCUIT_STATE, breaker, b -> b.state(clock.getAsLong()).metricValue)
          .description("Circuit breaker state on this node: 0 closed, 1 open, 2 half open")
          .tag("name", name).register(registry);
      Gauge.builder("platform.circuit.failure.rate", breaker, b -> b.failureRate(clock.getAsLong()))
          .description("Failure rate over the breaker's window on this node").tag("name", name).register(registry);
      return breaker;
    });
  }

  JsonArray describe() {
    long now = clock.getAsLong();
    return new JsonArray(breakers.values().stream().map(b -> (Object) b.describe(now)).toList());
  }

  /** Closes the named breaker; false when this node has none of that name. */
  boolean reset(String name) {
    FailureRateBreaker breaker = breakers.get(name);
    if (breaker == null) {
      return false;
    }
    breaker.reset(clock.getAsLong());
    return true;
  }

  long openCount() {
    long now = clock.getAsLong();
    return breakers.values().stream().filter(b -> b.state(now) == FailureRateBreaker.State.OPEN).count();
  }

  long now() {
    return clock.getAsLong();
  }

  private void publish(FailureRateBreaker breaker) {
    vertx.eventBus().publish(Addresses.EVENTS_CIRCUIT, breaker.describe(clock.getAsLong()));
  }
}
