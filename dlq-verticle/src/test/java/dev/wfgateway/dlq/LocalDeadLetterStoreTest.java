package dev.wfgateway.dlq;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wfgateway.common.journal.JsonLinesJournal;
import dev.wfgateway.common.messages.DlqEntry;
import dev.wfgateway.common.messages.DlqFilter;
import io.vertx.core.Future;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local store's decisions on its injected clock, over a real journal: the TTL and the ids. */
class LocalDeadLetterStoreTest extends OnTestVertx {
  private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
  private static final Duration TTL = Duration.ofHours(1);
  private static final DlqFilter EVERYTHING = new DlqFilter(null, null, null, null, null);

  @TempDir
  Path journalDir;
  private final TestClock clock = new TestClock(T0);
  private LocalDeadLetterStore store;

  /** Opens the store on the journal, as a (re)started node does. */
  private Future<Void> open() {
    store = new LocalDeadLetterStore(new JsonLinesJournal(vertx, journalDir), 100, TTL, clock, writable -> { });
    return store.open();
  }

  private Future<Void> reopen() {
    return store.close().compose(v -> open());
  }

  private Future<String> add(String runId) {
    return store.add(Entries.entry("acme", "risk-check", "timeout", runId));
  }

  private Future<List<String>> runIds() {
    return store.scan("acme", null, EVERYTHING, 100).map(entries -> entries.stream().map(DlqEntry::runId).toList());
  }

  /** Expires on the clock, then lists what is left and how many expired so far. */
  private Future<String> expireAndLook() {
    return store.expire().compose(v -> Future.all(runIds(), store.stats("acme")))
        .map(both -> both.<List<String>>resultAt(0) + " expired " + both.<TenantStats>resultAt(1).expired());
  }

  @Test
  void anEntryExpiresOnlyOnceItIsOlderThanTheTtl(VertxTestContext testContext) {
    open()
        .compose(v -> add("first"))
        .compose(v -> {
          clock.advance(Duration.ofMinutes(10));
          return add("second");
        })
        .compose(v -> {
          clock.advance(TTL.minusMinutes(10)); // first is exactly the TTL old
          return expireAndLook();
        })
        .compose(left -> {
          testContext.verify(() -> assertThat(left).isEqualTo("[first, second] expired 0"));
          clock.advance(Duration.ofMillis(1));
          return expireAndLook();
        })
        .compose(left -> {
          testContext.verify(() -> assertThat(left).isEqualTo("[second] expired 1"));
          clock.advance(Duration.ofMinutes(10));
          return expireAndLook();
        })
        .compose(left -> {
          testContext.verify(() -> assertThat(left).isEqualTo("[] expired 2"));
          return reopen();
        })
        .compose(v -> Future.all(runIds(), store.stats("acme")))
        .onComplete(testContext.succeeding(after -> testContext.verify(() -> {
          assertThat(after.<List<String>>resultAt(0)).as("expiries are journaled").isEmpty();
          assertThat(after.<TenantStats>resultAt(1).expired()).isEqualTo(2);
          testContext.completeNow();
        })));
  }

  @Test
  void idsKeepRisingAcrossARestartEvenWhenTheClockStepsBack(VertxTestContext testContext) {
    open()
        .compose(v -> add("before"))
        .compose(before -> {
          clock.advance(Duration.ofHours(-1));
          return reopen().compose(v -> add("after")).map(after -> List.of(before, after));
        })
        .onComplete(testContext.succeeding(ids -> testContext.verify(() -> {
          assertThat(ids).containsExactly(T0.toEpochMilli() + "-0", T0.toEpochMilli() + "-1");
          testContext.completeNow();
        })));
  }
}
