package dev.wfgateway.common.resilience;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.circuitbreaker.CircuitBreaker;
import io.vertx.circuitbreaker.CircuitBreakerOptions;
import io.vertx.circuitbreaker.CircuitBreakerState;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A Vert.x circuit breaker around one of the platform's own dependencies (Redis for the rate
 * limiter, the DLQ for failed runs): its transitions are logged and counted, its state is a gauge,
 * and the owner hears each transition. Meters are tagged {@code dependency}.
 *
 * <p>The breaker's own event-bus notifications are turned off: the platform's metrics are
 * Micrometer's, and those notifications would need HdrHistogram.
 */
public final class DependencyBreaker {
  /** As {@code platform.circuit.state}: 0 closed, 1 open (calls fail fast), 2 half-open (one trial let through). */
  public static final String STATE = "platform.dependency.breaker.state";
  /** Transitions, tagged with the state entered. */
  public static final String TRANSITIONS = "platform.dependency.breaker.transitions";
  private static final System.Logger LOG = System.getLogger(DependencyBreaker.class.getName());

  private final CircuitBreaker breaker;
  private final MeterRegistry registry;
  private final Gauge gauge;

  /** {@code options}' notification address is cleared. */
  /**
   * Options for a dependency the caller fails over from: open on the first failure, no timeout of
   * the breaker's own (each call carries its command timeout), half open every {@code probeInterval}.
   */
  public static CircuitBreakerOptions failoverOptions(Duration probeInterval) {
    return new CircuitBreakerOptions().setMaxFailures(1).setTimeout(-1).setResetTimeout(probeInterval.toMillis());
  }

  public DependencyBreaker(Vertx vertx, String dependency, CircuitBreakerOptions options, MeterRegistry registry) {
    this(vertx, dependency, options, registry, state -> { });
  }

  /**
   * {@code options}' notification address is cleared; {@code transitioned} runs after each
   * transition, on the thread that made it.
   */
  public DependencyBreaker(Vertx vertx, String dependency, CircuitBreakerOptions options, MeterRegistry registry,
      Consumer<CircuitBreakerState> transitioned) {
    this.registry = registry;
    this.breaker = CircuitBreaker.create(dependency, vertx,
        new CircuitBreakerOptions(options).setNotificationAddress(null));
    Consumer<CircuitBreakerState> entered = state -> {
      LOG.log(state == CircuitBreakerState.OPEN ? Level.WARNING : Level.INFO,
          "circuit breaker of {0}: {1}", dependency, state.name().toLowerCase(java.util.Locale.ROOT));
      registry.counter(TRANSITIONS, "dependency", dependency, "state", state.name().toLowerCase(java.util.Locale.ROOT))
          .increment();
      transitioned.accept(state);
    };
    breaker.openHandler(v -> entered.accept(CircuitBreakerState.OPEN))
        .halfOpenHandler(v -> entered.accept(CircuitBreakerState.HALF_OPEN))
        .closeHandler(v -> entered.accept(CircuitBreakerState.CLOSED));
    this.gauge = Gauge.builder(STATE, breaker, b -> level(b.state()))
        .description("Circuit breaker of a platform dependency: 0 closed, 1 open, 2 half-open")
        .tag("dependency", dependency)
        .strongReference(true)
        .register(registry);
  }

  static int level(CircuitBreakerState state) {
    return switch (state) {
      case CLOSED -> 0;
      case OPEN -> 1;
      case HALF_OPEN -> 2;
    };
  }

  /**
   * Runs {@code call} through the breaker: fails at once with
   * {@link io.vertx.circuitbreaker.OpenCircuitException} while it is open, or half-open with its
   * one trial call already under way.
   */
  public <T> Future<T> execute(Supplier<Future<T>> call) {
    return breaker.execute(call);
  }

  public CircuitBreakerState state() {
    return breaker.state();
  }

  /** The Vert.x breaker itself, for what this class does not wrap (a retry or failure policy). */
  public CircuitBreaker breaker() {
    return breaker;
  }

  /** Removes the gauge (the breaker's owner is going away). */
  public void close() {
    registry.remove(gauge);
    breaker.close();
  }
}
