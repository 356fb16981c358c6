package dev.wfgateway.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The guard every test relies on: an event loop blocked for longer than the limit fails the test. */
@ExtendWith(VertxExtension.class)
class TestVertxTest {
  private static final Logger CHECKER = Logger.getLogger(TestVertx.CHECKER_LOGGER);
  private final AtomicBoolean warned = new AtomicBoolean();
  private final Handler warnings = new Handler() {
    @Override
    public void publish(LogRecord warning) {
      warned.set(true);
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
    }
  };

  @AfterEach
  void stopListening() {
    CHECKER.removeHandler(warnings);
  }

  @Test
  void aBlockedEventLoopIsReportedWithWhatBlockedIt(VertxTestContext test) {
    Vertx vertx = TestVertx.create();
    CHECKER.addHandler(warnings);
    Promise<Void> unblocked = Promise.promise();
    vertx.runOnContext(v -> {
      blockUntilTheCheckerWarns();
      unblocked.complete();
    });
    unblocked.future().compose(v -> vertx.close()).onComplete(test.succeeding(v -> test.verify(() -> {
      assertThat(warned).as("the checker warned").isTrue();
      assertThatThrownBy(TestVertx::assertNoBlockedThreads).isInstanceOf(AssertionError.class)
          .hasMessageStartingWith("event loop blocked:\nThread vert.x-eventloop-thread-")
          .hasMessageContaining("blockUntilTheCheckerWarns");
      TestVertx.assertNoBlockedThreads(); // reported once, then cleared for the next test
      test.completeNow();
    })));
  }

  /** Busy on the event loop until the checker has seen it (the checker runs every 100 ms). */
  private void blockUntilTheCheckerWarns() {
    long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!warned.get() && System.nanoTime() < giveUp) {
      Thread.onSpinWait();
    }
  }
}
