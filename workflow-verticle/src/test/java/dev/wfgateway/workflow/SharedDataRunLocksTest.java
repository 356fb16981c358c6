package dev.wfgateway.workflow;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wfgateway.testkit.TestVertx;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Local-backend locks: fencing tokens grow for a key, also across a restart that lost the counters. */
@ExtendWith(VertxExtension.class)
class SharedDataRunLocksTest {
  private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");
  private static final Duration TTL = Duration.ofSeconds(10);
  private static final Duration WAIT = Duration.ofSeconds(1);

  private Vertx before;
  private Vertx after;

  @BeforeEach
  void create() {
    before = TestVertx.create();
    after = TestVertx.create();
  }

  @AfterEach
  void close() throws Exception {
    TestVertx.close(before);
    TestVertx.close(after);
  }

  private static Clock at(Instant instant) {
    return Clock.fixed(instant, ZoneOffset.UTC);
  }

  @Test
  void tokensStartAtTheClockAndThenCount(VertxTestContext test) {
    SharedDataRunLocks locks = new SharedDataRunLocks(before, at(NOW));
    locks.acquire("acme", "k", "run-1:1", TTL, WAIT)
        .compose(first -> first.release().map(first.fencingToken()))
        .compose(first -> locks.acquire("acme", "k", "run-2:1", TTL, WAIT).map(second -> {
          test.verify(() -> {
            assertThat(first).isEqualTo(NOW.toEpochMilli() * 1000);
            assertThat(second.fencingToken()).isEqualTo(first + 1);
          });
          return second;
        }))
        .onComplete(test.succeedingThenComplete());
  }

  /** Takes and releases the lock {@code times} times; the last token. */
  private static Future<Long> takeAndRelease(SharedDataRunLocks locks, int times, long last) {
    if (times == 0) {
      return Future.succeededFuture(last);
    }
    return locks.acquire("acme", "k", "run-" + times + ":1", TTL, WAIT)
        .compose(lease -> lease.release().map(lease.fencingToken()))
        .compose(token -> takeAndRelease(locks, times - 1, token));
  }

  @Test
  void aRestartedNodeIssuesLargerTokensThanBeforeIt(VertxTestContext test) {
    SharedDataRunLocks first = new SharedDataRunLocks(before, at(NOW));
    SharedDataRunLocks restarted = new SharedDataRunLocks(after, at(NOW.plusMillis(1)));
    takeAndRelease(first, 5, 0)
        .compose(last -> restarted.acquire("acme", "k", "run-9:1", TTL, WAIT).map(lease -> {
          test.verify(() -> assertThat(lease.fencingToken()).isGreaterThan(last));
          return lease;
        }))
        .onComplete(test.succeedingThenComplete());
  }
}
