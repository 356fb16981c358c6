package dev.wfgateway.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class EventuallyTest {
  private static final Duration LONG = Duration.ofSeconds(20);
  private Vertx vertx;
  private final AtomicInteger looks = new AtomicInteger();

  @BeforeEach
  void createVertx() {
    vertx = TestVertx.create();
  }

  @AfterEach
  void closeVertx() throws Exception {
    TestVertx.close(vertx);
  }

  /** The look: the next of {@code outcomes} each time (a null one fails), the last one from then on. */
  private Future<String> look(List<String> outcomes) {
    String outcome = outcomes.get(Math.min(looks.incrementAndGet(), outcomes.size()) - 1);
    return outcome == null ? Future.failedFuture(new IllegalStateException("refused")) : Future.succeededFuture(outcome);
  }

  @Test
  void completesWithTheFirstValueThatIsDone(VertxTestContext context) {
    List<String> outcomes = List.of("DOWN", "DOWN", "UP", "DOWN");
    Eventually.until(vertx, "UP", LONG, () -> look(outcomes), "UP"::equals)
        .onComplete(context.succeeding(value -> context.verify(() -> {
          assertThat(value).isEqualTo("UP");
          assertThat(looks.get()).isEqualTo(3);
          context.completeNow();
        })));
  }

  @Test
  void aFailedLookIsLookedAtAgain(VertxTestContext context) {
    List<String> outcomes = Arrays.asList(null, null, "UP");
    Eventually.until(vertx, "UP", LONG, () -> look(outcomes), "UP"::equals)
        .onComplete(context.succeeding(value -> context.verify(() -> {
          assertThat(looks.get()).isEqualTo(3);
          context.completeNow();
        })));
  }

  @Test
  void aConditionHoldsOnceItIsTrue(VertxTestContext context) {
    Eventually.holds(vertx, "three looks", LONG, () -> looks.incrementAndGet() == 3)
        .onComplete(context.succeeding(v -> context.verify(() -> {
          assertThat(looks.get()).isEqualTo(3);
          context.completeNow();
        })));
  }

  @Test
  void failsAtTheDeadlineWithTheLastLook(VertxTestContext context) {
    Eventually.until(vertx, "UP", Duration.ofMillis(200), () -> look(List.of("DOWN")), "UP"::equals)
        .onComplete(context.failing(failure -> context.verify(() -> {
          assertThat(failure).isInstanceOf(AssertionError.class)
              .hasMessage("timed out after PT0.2S waiting for UP; last look: DOWN");
          // one look at once, then one a timer later until the deadline
          assertThat(looks.get()).isGreaterThan(1);
          context.completeNow();
        })));
  }
}
