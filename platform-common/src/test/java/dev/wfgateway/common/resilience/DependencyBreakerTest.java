package dev.wfgateway.common.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.circuitbreaker.CircuitBreakerOptions;
import io.vertx.circuitbreaker.CircuitBreakerState;
import io.vertx.circuitbreaker.OpenCircuitException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The Vert.x breaker as the platform wraps it: transitions heard, counted and shown as a gauge. */
@ExtendWith(VertxExtension.class)
class DependencyBreakerTest {
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final List<CircuitBreakerState> heard = new CopyOnWriteArrayList<>();
  private Vertx vertx;
  private DependencyBreaker breaker;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    breaker = new DependencyBreaker(vertx, "store", new CircuitBreakerOptions().setMaxFailures(2).setTimeout(-1)
        .setResetTimeout(100), registry, heard::add);
  }

  @AfterEach
  void tearDown(VertxTestContext test) {
    vertx.close().onComplete(test.succeedingThenComplete());
  }

  private double gauge() {
    return registry.get(DependencyBreaker.STATE).tag("dependency", "store").gauge().value();
  }

  private double transitions(String state) {
    var counter = registry.find(DependencyBreaker.TRANSITIONS).tags("dependency", "store", "state", state).counter();
    return counter == null ? 0 : counter.count();
  }

  @Test
  void opensAfterItsFailuresFailsFastThenClosesOnASuccessfulTrial(VertxTestContext test) {
    AtomicInteger calls = new AtomicInteger();
    Future<Void> down = Future.failedFuture("down");
    breaker.execute(() -> {
      calls.incrementAndGet();
      return down;
    }).recover(first -> {
      test.verify(() -> {
        assertThat(breaker.state()).as("one failure of two").isEqualTo(CircuitBreakerState.CLOSED);
        assertThat(gauge()).isZero();
      });
      return breaker.execute(() -> {
        calls.incrementAndGet();
        return down;
      });
    }).recover(second -> {
      test.verify(() -> {
        assertThat(breaker.state()).isEqualTo(CircuitBreakerState.OPEN);
        assertThat(gauge()).isEqualTo(1);
        assertThat(transitions("open")).isEqualTo(1);
      });
      return breaker.execute(() -> {
        calls.incrementAndGet();
        return Future.succeededFuture();
      });
    }).onComplete(fastFail -> test.verify(() -> {
      assertThat(fastFail.cause()).isInstanceOf(OpenCircuitException.class);
      assertThat(calls).as("an open breaker calls nothing").hasValue(2);
    })).recover(open -> awaitState(CircuitBreakerState.HALF_OPEN))
        .compose(halfOpen -> {
          test.verify(() -> assertThat(gauge()).isEqualTo(2));
          return breaker.execute(() -> {
            calls.incrementAndGet();
            return Future.succeededFuture("trial");
          });
        })
        .onComplete(test.succeeding(trial -> test.verify(() -> {
          assertThat(trial).isEqualTo("trial");
          assertThat(breaker.state()).isEqualTo(CircuitBreakerState.CLOSED);
          assertThat(gauge()).isZero();
          assertThat(heard).containsExactly(CircuitBreakerState.OPEN, CircuitBreakerState.HALF_OPEN,
              CircuitBreakerState.CLOSED);
          assertThat(transitions("half_open")).isEqualTo(1);
          assertThat(transitions("closed")).isEqualTo(1);
          test.completeNow();
        })));
  }

  @Test
  void closeRemovesTheGauge() {
    breaker.close();
    assertThat(registry.find(DependencyBreaker.STATE).gauge()).isNull();
  }

  private Future<Void> awaitState(CircuitBreakerState state) {
    return breaker.state() == state ? Future.succeededFuture()
        : vertx.timer(20).compose(v -> awaitState(state));
  }
}
