package dev.wfgateway.dlq;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wfgateway.common.ProblemException;
import dev.wfgateway.common.ProblemType;
import dev.wfgateway.common.messages.DlqCursor;
import dev.wfgateway.common.messages.DlqEntry;
import dev.wfgateway.common.messages.DlqFilter;
import dev.wfgateway.common.messages.DlqQuery;
import dev.wfgateway.dlq.DeadLetterStore.Removal;
import dev.wfgateway.dlq.FakeDeadLetterStore.RemoveCall;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What the queue decides over any store: validation of adds, paging, selection by id or filter,
 * tenant scoping, deletion and the stats. The fake store answers at once, so every future here is
 * complete when the call returns.
 */
class DeadLetterQueueTest {
  private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

  private final TestClock clock = new TestClock(T0);
  private final FakeDeadLetterStore store = new FakeDeadLetterStore(clock);
  private final DeadLetterQueue queue = new DeadLetterQueue(store, clock);

  private static <T> T done(Future<T> future) {
    assertThat(future.succeeded()).as("succeeded, not %s", future.cause()).isTrue();
    return future.result();
  }

  private static ProblemType refusal(Future<?> future) {
    assertThat(future.failed()).as("failed").isTrue();
    assertThat(future.cause()).isInstanceOf(ProblemException.class);
    return ((ProblemException) future.cause()).problem().type();
  }

  private String add(String tenant, String workflow, String reason, String runId) {
    return done(queue.add(Entries.entry(tenant, workflow, reason, runId)));
  }

  private static DlqFilter tenant(String tenant) {
    return new DlqFilter(tenant, null, null, null, null);
  }

  private static DlqFilter id(String tenant, String id) {
    return new DlqFilter(tenant, id, null, null, null);
  }

  private DeadLetterQueue.Page page(DlqFilter filter, int limit, String cursor) {
    return done(queue.page(new DlqQuery(filter, limit, DlqCursor.parse(cursor))));
  }

  /** Every page of the filter's entries, as tenant/runId, following the cursors (a thousand pages at most). */
  private List<String> allPages(DlqFilter filter, int limit) {
    List<String> seen = new ArrayList<>();
    String cursor = null;
    int pages = 0;
    do {
      assertThat(++pages).as("pages, and still a next cursor").isLessThanOrEqualTo(1000);
      DeadLetterQueue.Page page = page(filter, limit, cursor);
      assertThat(page.entries()).hasSizeLessThanOrEqualTo(limit);
      page.entries().forEach(e -> seen.add(e.tenant() + "/" + e.runId()));
      cursor = page.nextCursor();
    } while (cursor != null);
    return seen;
  }

  private static List<String> runIds(List<DlqEntry> entries) {
    return entries.stream().map(DlqEntry::runId).toList();
  }

  // ---- add ----

  @Test
  void addStoresTheEntryAndAnswersTheIdTheStoreGaveIt() {
    String id = add("acme", "risk-check", "timeout", "r1");

    assertThat(id).isEqualTo(T0.toEpochMilli() + "-0");
    assertThat(store.entries("acme")).containsExactly(Entries.entry("acme", "risk-check", "timeout", "r1").withId(id));
  }

  @Test
  void addRefusesATenantNameThatCouldNotNameAJournalFile() {
    for (String tenant : List.of("../etc", "a b", "x".repeat(65), ".hidden")) {
      assertThat(refusal(queue.add(Entries.entry(tenant, "risk-check", "timeout", "r1")))).as(tenant)
          .isEqualTo(ProblemType.VALIDATION_FAILED);
    }
    add("x".repeat(64), "risk-check", "timeout", "r1");
    assertThat(done(store.tenants())).containsExactly("x".repeat(64));
  }

  /** The entry is depth 1 and its input depth 2: an input of 499 levels reaches the 500 the platform allows. */
  @Test
  void addTakesAnInputUpToTheDepthCeilingAndRefusesOneLevelMore() {
    DlqEntry deepest = DlqEntry.fromJson(Entries.json("acme", "w", "timeout", "deepest")
        .put("input", Entries.nestedObjects(499)));
    DlqEntry tooDeep = DlqEntry.fromJson(Entries.json("acme", "w", "timeout", "too-deep")
        .put("input", Entries.nestedObjects(500)));

    Future<String> refused = queue.add(tooDeep);
    assertThat(refusal(refused)).isEqualTo(ProblemType.VALIDATION_FAILED);
    assertThat(((ProblemException) refused.cause()).problem().detail()).contains("nested deeper than 500");
    done(queue.add(deepest));
    assertThat(runIds(store.entries("acme"))).containsExactly("deepest");
  }

  // ---- paging ----

  @Test
  void anAdminPageListsOldestFirstAcrossTenantsAndBreaksTiesByTenant() {
    add("globex", "w", "timeout", "g1");       // T0-0 in globex
    add("acme", "w", "timeout", "a1");         // T0-0 in acme: same id, acme sorts first
    add("acme", "w", "timeout", "a2");         // T0-1
    clock.advance(Duration.ofMillis(1));
    add("globex", "w", "timeout", "g2");       // T0+1-0
    add("initech", "w", "timeout", "i1");      // T0+1-0

    DeadLetterQueue.Page page = page(tenant(null), 10, null);

    assertThat(page.entries()).extracting(e -> e.tenant() + "/" + e.runId() + "@" + e.id()).containsExactly(
        "acme/a1@" + T0.toEpochMilli() + "-0", "globex/g1@" + T0.toEpochMilli() + "-0",
        "acme/a2@" + T0.toEpochMilli() + "-1",
        "globex/g2@" + (T0.toEpochMilli() + 1) + "-0", "initech/i1@" + (T0.toEpochMilli() + 1) + "-0");
    assertThat(page.nextCursor()).isNull();
  }

  @Test
  void adminPagesGiveEveryEntryExactlyOnceWhenTenantsShareIds() {
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      for (String t : List.of("acme", "globex", "initech")) {
        add(t, "w", "timeout", t + "-" + i);
      }
      clock.advance(Duration.ofMillis(i % 2)); // ids T0-0, T0-1, T0+1-0, T0+1-1 in every tenant
    }
    for (String id : List.of("0", "1", "2", "3")) {
      for (String t : List.of("acme", "globex", "initech")) {
        expected.add(t + "/" + t + "-" + id);
      }
    }

    for (int limit = 1; limit <= 5; limit++) {
      assertThat(allPages(tenant(null), limit)).as("pages of %d", limit).containsExactlyElementsOf(expected);
    }
    assertThat(page(tenant(null), 2, null).nextCursor()).isEqualTo(T0.toEpochMilli() + "-0@globex");
  }

  @Test
  void aTenantPageReadsOnlyThatTenantAndItsCursorNamesNoTenant() {
    for (int i = 0; i < 5; i++) {
      add("acme", "w", "timeout", "a" + i);
      add("globex", "w", "timeout", "g" + i);
    }

    assertThat(allPages(tenant("acme"), 2)).containsExactly("acme/a0", "acme/a1", "acme/a2", "acme/a3", "acme/a4");
    assertThat(store.scanned).containsOnly("acme");
    assertThat(page(tenant("acme"), 2, null).nextCursor()).isEqualTo(T0.toEpochMilli() + "-1");
  }

  @Test
  void aPageHasANextCursorOnlyWhenMoreEntriesFollow() {
    for (int i = 0; i < 3; i++) {
      add("acme", "w", "timeout", "a" + i);
    }
    assertThat(page(tenant("acme"), 3, null).nextCursor()).isNull();

    add("acme", "w", "timeout", "a3");
    DeadLetterQueue.Page first = page(tenant("acme"), 3, null);
    assertThat(runIds(first.entries())).containsExactly("a0", "a1", "a2");
    DeadLetterQueue.Page second = page(tenant("acme"), 3, first.nextCursor());
    assertThat(runIds(second.entries())).containsExactly("a3");
    assertThat(second.nextCursor()).isNull();
  }

  @Test
  void aPageHoldsOnlyWhatTheFilterSelects() {
    add("acme", "risk-check", "timeout", "r1");
    add("acme", "payout", "timeout", "p1");
    add("acme", "payout", "lock_lost", "needle-p2");
    add("globex", "payout", "timeout", "g1");

    assertThat(allPages(new DlqFilter("acme", null, "payout", null, null), 10))
        .containsExactly("acme/p1", "acme/needle-p2");
    assertThat(allPages(new DlqFilter(null, null, "payout", "timeout", null), 10))
        .containsExactly("globex/g1", "acme/p1"); // ids T0-0 in globex, T0-1 in acme
    assertThat(allPages(new DlqFilter(null, null, null, null, "needle"), 10)).containsExactly("acme/needle-p2");
  }

  // ---- by id ----

  @Test
  void getFindsAnEntryOnlyInItsOwnTenant() {
    String id = add("acme", "w", "timeout", "secret");

    assertThat(done(queue.get(id("acme", id))).runId()).isEqualTo("secret");
    assertThat(done(queue.get(id(null, id))).runId()).isEqualTo("secret");
    store.scanned.clear();
    assertThat(refusal(queue.get(id("globex", id)))).isEqualTo(ProblemType.NOT_FOUND);
    assertThat(store.scanned).containsOnly("globex");
  }

  @Test
  void getOfAnIdThatNamesNoEntryIsNotFoundAndReadsNothingWhenItIsNoId() {
    add("acme", "w", "timeout", "r1");

    assertThat(refusal(queue.get(id("acme", "1-0")))).isEqualTo(ProblemType.NOT_FOUND);
    store.scanned.clear();
    assertThat(refusal(queue.get(id("acme", "not-an-id")))).isEqualTo(ProblemType.NOT_FOUND);
    assertThat(store.scanned).isEmpty();
  }

  @Test
  void getOfAnIdWithAFilterTheEntryDoesNotMatchIsNotFound() {
    String id = add("acme", "risk-check", "timeout", "r1");

    assertThat(refusal(queue.get(new DlqFilter("acme", id, "payout", null, null)))).isEqualTo(ProblemType.NOT_FOUND);
    assertThat(refusal(queue.get(new DlqFilter("acme", id, null, "lock_lost", null))))
        .isEqualTo(ProblemType.NOT_FOUND);
    assertThat(done(queue.get(new DlqFilter("acme", id, "risk-check", "timeout", "r1"))).id()).isEqualTo(id);
  }

  @Test
  void anIdThatMovedStillFindsItsEntryButOnlyInItsTenant() {
    String first = add("acme", "w", "timeout", "spooled");
    clock.advance(Duration.ofSeconds(1));
    String now = store.move("acme", first);

    assertThat(done(queue.get(id("acme", first))).id()).isEqualTo(now);
    assertThat(done(queue.select(id("acme", first)))).extracting(DlqEntry::id).containsExactly(now);
    assertThat(refusal(queue.get(id("globex", first)))).isEqualTo(ProblemType.NOT_FOUND);
  }

  // ---- select and delete ----

  @Test
  void selectGathersEveryPageOfAFilterLargerThanOnePage() {
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 2 * DlqQuery.MAX_LIMIT + 3; i++) {
      String workflow = i % 3 == 0 ? "other" : "payout";
      add("acme", workflow, "timeout", "r" + i);
      if (workflow.equals("payout")) {
        expected.add("r" + i);
      }
    }
    add("globex", "payout", "timeout", "g");

    List<DlqEntry> selected = done(queue.select(new DlqFilter("acme", null, "payout", null, null)));

    assertThat(expected).hasSizeGreaterThan(DlqQuery.MAX_LIMIT);
    assertThat(runIds(selected)).containsExactlyElementsOf(expected);
  }

  @Test
  void deletingOneEntryRemovesExactlyItAsDeleted() {
    add("acme", "w", "timeout", "r1");
    String id = add("acme", "w", "timeout", "r2");
    add("acme", "w", "timeout", "r3");

    assertThat(done(queue.delete(id("acme", id)))).isEqualTo(1);
    assertThat(store.removeCalls).containsExactly(new RemoveCall("acme", List.of(id), Removal.DELETED));
    assertThat(runIds(store.entries("acme"))).containsExactly("r1", "r3");

    assertThat(refusal(queue.delete(id("acme", id)))).isEqualTo(ProblemType.NOT_FOUND);
    assertThat(refusal(queue.delete(id("globex", store.entries("acme").get(0).id()))))
        .isEqualTo(ProblemType.NOT_FOUND);
    assertThat(store.removeCalls).hasSize(1);
  }

  @Test
  void aBulkDeleteRemovesEachTenantsSelectionInOneCall() {
    String a1 = add("acme", "w", "timeout", "a1");
    add("acme", "w", "lock_lost", "a2");
    String a3 = add("acme", "w", "timeout", "a3");
    String g1 = add("globex", "w", "timeout", "g1");

    assertThat(done(queue.delete(new DlqFilter(null, null, null, "timeout", null)))).isEqualTo(3);
    assertThat(store.removeCalls).containsExactly(new RemoveCall("acme", List.of(a1, a3), Removal.DELETED),
        new RemoveCall("globex", List.of(g1), Removal.DELETED));
    assertThat(runIds(store.entries("acme"))).containsExactly("a2");
  }

  // ---- stats ----

  @Test
  void statsCoverTheOneTenantAskedForOrEveryTenant() {
    add("globex", "w", "timeout", "g1");
    add("acme", "w", "timeout", "a1");
    add("acme", "w", "timeout", "a2");

    Map<String, TenantStats> one = done(queue.stats("acme"));
    assertThat(one).containsOnlyKeys("acme");
    assertThat(one.get("acme").size()).isEqualTo(2);
    assertThat(done(queue.stats(null)).keySet()).containsExactly("acme", "globex");
  }

  @Test
  void statsAgeTheOldestEntryOnTheClockAndAddUpTheCounters() {
    add("acme", "w", "timeout", "a1");
    clock.advance(Duration.ofSeconds(10));
    String g1 = add("globex", "w", "timeout", "g1");
    add("acme", "w", "timeout", "a2");
    store.setCounters("acme", 3, 4);
    store.setCounters("globex", 5, 6);
    store.setCounters("initech", 0, 1);
    done(store.remove("globex", List.of(g1), Removal.REDRIVEN));
    clock.advance(Duration.ofMillis(65_999));

    JsonObject json = queue.statsJson(done(queue.stats(null)));

    assertThat(json.getLong("size")).isEqualTo(2);
    assertThat(json.getLong("oldestEntryAgeSeconds")).isEqualTo(75);
    assertThat(json.getLong("totalEvictions")).isEqualTo(8);
    assertThat(json.getLong("totalExpired")).isEqualTo(11);
    assertThat(json.getLong("totalRedriven")).isEqualTo(1);
    assertThat(json.getJsonObject("byTenant").getJsonObject("acme")).isEqualTo(new JsonObject().put("size", 2)
        .put("oldestEntryAgeSeconds", 75).put("evictions", 3).put("expired", 4).put("redriven", 0));
    assertThat(json.getJsonObject("byTenant").getJsonObject("globex").getLong("oldestEntryAgeSeconds")).isZero();
    assertThat(json.getJsonObject("byTenant").getJsonObject("initech").getLong("size")).isZero();

    clock.advance(Duration.ofMillis(1));
    assertThat(queue.statsJson(done(queue.stats(null))).getLong("oldestEntryAgeSeconds")).isEqualTo(76);
  }

  @Test
  void anAgeIsNeverNegativeWhenTheClockStepsBack() {
    add("acme", "w", "timeout", "a1");
    clock.advance(Duration.ofSeconds(-30));

    JsonObject json = queue.statsJson(done(queue.stats(null)));

    assertThat(json.getLong("oldestEntryAgeSeconds")).isZero();
    assertThat(json.getJsonObject("byTenant").getJsonObject("acme").getLong("oldestEntryAgeSeconds")).isZero();
  }
}
