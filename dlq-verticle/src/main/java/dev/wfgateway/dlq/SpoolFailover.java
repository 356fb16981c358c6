package dev.wfgateway.dlq;

import dev.wfgateway.common.messages.DlqEntry;
import dev.wfgateway.common.resilience.DependencyBreaker;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.circuitbreaker.CircuitBreakerState;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Redis while it answers, the local spool while it does not, switched by a Vert.x circuit breaker
 * ({@value #DEPENDENCY}). One failed Redis command (a timeout, a connection error, an error reply)
 * opens it: that add and every later one are spooled at once, so an outage costs one command
 * timeout, not one per add. Every {@code probeInterval} the breaker goes half-open and its one
 * trial call is a PING, never a tenant's write: when Redis answers it closes, and the owner drains
 * the spool. While a tenant has spooled entries, its new adds are spooled behind them to keep the
 * order.
 *
 * <p>Only adds have somewhere else to go: other commands are never refused by the breaker, they
 * try Redis, bounded by the command timeout, and fail (503) while it does not answer.
 *
 * <p>Confined to the event loop of the verticle that owns it.
 */
final class SpoolFailover {
  static final String DEPENDENCY = "redis-dlq";
  private static final System.Logger LOG = System.getLogger(SpoolFailover.class.getName());

  private final RedisStreamStore redis;
  private final LocalDeadLetterStore spool;
  private final Consumer<Boolean> redisUpChanged;
  private final DependencyBreaker breaker;
  private final Map<String, Integer> spooling = new HashMap<>();
  private boolean redisWasUp = true;
  private Throwable lastFailure;
  private boolean stopped;

  /** {@code redisUpChanged} hears every switch: false when Redis stops answering, true when it answers again. */
  SpoolFailover(Vertx vertx, RedisStreamStore redis, LocalDeadLetterStore spool, Duration probeInterval,
      MeterRegistry registry, Consumer<Boolean> redisUpChanged) {
    this.redis = redis;
    this.spool = spool;
    this.redisUpChanged = redisUpChanged;
    this.breaker = new DependencyBreaker(vertx, DEPENDENCY, DependencyBreaker.failoverOptions(probeInterval), registry,
        this::transitioned);
    breaker.breaker().<Object>failurePolicy(this::redisFailed);
  }

  /** Begins closed if Redis answers a PING, open otherwise; never fails. */
  Future<Void> start() {
    return breaker.execute(redis::ping).otherwiseEmpty();
  }

  boolean redisUp() {
    return breaker.state() == CircuitBreakerState.CLOSED;
  }

  /** Stores an entry (without id) and completes with its id: in Redis if it can, else in the spool. */
  Future<String> add(DlqEntry entry) {
    String tenant = entry.tenant();
    if (!redisUp() || !spool.isEmpty(tenant) || spooling.containsKey(tenant)) {
      return spoolAdd(entry);
    }
    Future<String> inRedis = redis.add(entry);
    // A failed add heads for the spool at once, before any later add is decided: the breaker
    // hears of the failure one event-loop task later.
    Future<String> stored = inRedis.recover(failure -> spoolAdd(entry));
    return breaker.execute(() -> inRedis).transform(reported -> stored);
  }

  /** Counted until the spool holds it, so that the tenant's next adds go behind it. */
  private Future<String> spoolAdd(DlqEntry entry) {
    String tenant = entry.tenant();
    spooling.merge(tenant, 1, Integer::sum);
    return spool.add(entry).andThen(done -> spooling.computeIfPresent(tenant, (t, n) -> n == 1 ? null : n - 1));
  }

  /** Runs a Redis command: through the breaker while it is closed (a failure opens it), straight otherwise. */
  <T> Future<T> command(Supplier<Future<T>> command) {
    return redisUp() ? breaker.execute(command) : command.get();
  }

  void stop() {
    stopped = true;
    breaker.close();
  }

  /** Commands cut off by {@link #stop} say nothing about Redis. */
  private boolean redisFailed(Future<?> result) {
    if (result.succeeded() || stopped) {
      return false;
    }
    lastFailure = result.cause();
    return true;
  }

  private void transitioned(CircuitBreakerState state) {
    if (stopped) {
      return;
    }
    switch (state) {
      // The trial: a success closes the breaker, a failure opens it again.
      case HALF_OPEN -> breaker.execute(redis::ping);
      case OPEN -> {
        if (redisWasUp) {
          redisWasUp = false;
          LOG.log(Level.WARNING, "Redis did not answer ({0}); DLQ adds spool locally until it does",
              String.valueOf(lastFailure));
          redisUpChanged.accept(false);
        }
      }
      case CLOSED -> {
        redisWasUp = true;
        LOG.log(Level.INFO, "Redis answers again; draining the DLQ spool");
        redisUpChanged.accept(true);
      }
    }
  }
}
