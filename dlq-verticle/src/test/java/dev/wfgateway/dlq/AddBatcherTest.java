package dev.wfgateway.dlq;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The batcher on an event loop, as the Redis store uses it. Most tests answer each batch by hand
 * within one turn, to see exactly what is sent when; one lets a store answer on later turns.
 */
class AddBatcherTest extends OnTestVertx {
  private record Sent(String tenant, List<String> entries, Promise<List<String>> ids) {
  }

  private final List<Sent> sent = new ArrayList<>();
  private final AddBatcher batcher = new AddBatcher(3, (tenant, entries) -> {
    Promise<List<String>> ids = Promise.promise();
    sent.add(new Sent(tenant, entries, ids));
    return ids.future();
  });

  private static List<String> idsFor(List<String> entries) {
    return entries.stream().map(e -> "id-" + e).toList();
  }

  /** Runs the block in one turn of an event loop, then ends the test. */
  private void inOneTurn(VertxTestContext testContext, VertxTestContext.ExecutionBlock block) {
    onContext(testContext, () -> {
      block.apply();
      testContext.completeNow();
    });
  }

  @Test
  void sendsAnAddToAnIdleTenantAtOnceAndGroupsWhatArrivesMeanwhileInOrder(VertxTestContext testContext) {
    inOneTurn(testContext, () -> {
      Future<String> first = batcher.add("acme", "a");
      assertThat(sent).hasSize(1);
      List<Future<String>> waiting = new ArrayList<>();
      for (String e : List.of("b", "c", "d", "e")) {
        waiting.add(batcher.add("acme", e));
      }
      assertThat(sent).hasSize(1);

      sent.get(0).ids().complete(idsFor(sent.get(0).entries()));
      assertThat(first.result()).isEqualTo("id-a");
      assertThat(sent).hasSize(2);
      assertThat(sent.get(1).entries()).containsExactly("b", "c", "d");
      assertThat(waiting).noneMatch(Future::isComplete);
      sent.get(1).ids().complete(idsFor(sent.get(1).entries()));
      assertThat(sent.get(2).entries()).containsExactly("e");
      sent.get(2).ids().complete(idsFor(sent.get(2).entries()));
      assertThat(waiting).extracting(Future::result).containsExactly("id-b", "id-c", "id-d", "id-e");
      assertThat(sent).hasSize(3);
    });
  }

  @Test
  void keepsOneBatchInFlightPerTenantButTenantsDoNotWaitForEachOther(VertxTestContext testContext) {
    inOneTurn(testContext, () -> {
      batcher.add("acme", "a1");
      batcher.add("acme", "a2");
      batcher.add("globex", "g1");
      assertThat(sent).extracting(Sent::tenant).containsExactly("acme", "globex");
    });
  }

  @Test
  void failsTheAddsWaitingBehindAFailedBatchAndStartsAfreshAfterwards(VertxTestContext testContext) {
    inOneTurn(testContext, () -> {
      Future<String> inFlight = batcher.add("acme", "a");
      Future<String> behind = batcher.add("acme", "b");
      Future<String> otherTenant = batcher.add("globex", "g");
      sent.get(0).ids().fail("Redis did not answer");
      assertThat(inFlight.cause()).hasMessage("Redis did not answer");
      assertThat(behind.cause()).hasMessage("Redis did not answer");
      assertThat(otherTenant.isComplete()).as("another tenant's batch is its own").isFalse();
      assertThat(sent).hasSize(2);

      Future<String> later = batcher.add("acme", "c");
      assertThat(sent.get(2).entries()).containsExactly("c");
      sent.get(2).ids().complete(List.of("id-c"));
      assertThat(later.result()).isEqualTo("id-c");
    });
  }

  @Test
  void failsABatchWhoseReplyDoesNotHaveOneIdPerEntry(VertxTestContext testContext) {
    inOneTurn(testContext, () -> {
      Future<String> a = batcher.add("acme", "a");
      sent.get(0).ids().complete(List.of());
      assertThat(a.failed()).isTrue();
      assertThat(a.cause()).hasMessageContaining("a batch of 1 adds got 0 ids");
    });
  }

  @Test
  void failsTheBatchWhenSendingItThrows(VertxTestContext testContext) {
    AddBatcher throwing = new AddBatcher(3, (tenant, entries) -> {
      throw new IllegalStateException("no connection");
    });
    inOneTurn(testContext, () -> {
      Future<String> a = throwing.add("acme", "a");
      assertThat(a.cause()).hasMessage("no connection");
    });
  }

  /**
   * Three tenants' adds, some at once and some as earlier ones complete, against a store that
   * answers a turn later: every add gets its own id, each tenant's entries go out in order, in
   * batches of at most 3, never two of a tenant at once.
   */
  @Test
  void underConcurrentAddsEachTenantsEntriesGoOutInOrderOneBatchAtATime(VertxTestContext testContext) {
    Map<String, List<String>> sentInOrder = new HashMap<>();
    Map<String, Integer> inFlight = new HashMap<>();
    List<String> violations = new ArrayList<>();
    AddBatcher answeringLater = new AddBatcher(3, (tenant, entries) -> {
      if (inFlight.merge(tenant, 1, Integer::sum) > 1 || entries.size() > 3) {
        violations.add(tenant + " " + entries);
      }
      sentInOrder.computeIfAbsent(tenant, t -> new ArrayList<>()).addAll(entries);
      Promise<List<String>> ids = Promise.promise();
      vertx.runOnContext(v -> {
        inFlight.merge(tenant, -1, Integer::sum);
        ids.complete(idsFor(entries));
      });
      return ids.future();
    });
    List<String> tenants = List.of("acme", "globex", "initech");
    vertx.runOnContext(start -> {
      List<Future<?>> checks = new ArrayList<>();
      for (String tenant : tenants) {
        for (int i = 0; i < 20; i++) {
          String entry = tenant + "-" + i;
          Future<String> id = answeringLater.add(tenant, entry);
          checks.add(id.map(got -> {
            assertThat(got).isEqualTo("id-" + entry);
            return got;
          }));
          // Every fifth add makes another when it completes, as a caller retrying at once would.
          if (i % 5 == 0) {
            String more = tenant + "-more-" + i;
            checks.add(id.compose(v -> answeringLater.add(tenant, more))
                .map(got -> {
                  assertThat(got).isEqualTo("id-" + more);
                  return got;
                }));
          }
        }
      }
      Future.all(checks).onComplete(testContext.succeeding(all -> testContext.verify(() -> {
        assertThat(violations).isEmpty();
        for (String tenant : tenants) {
          List<String> firsts = sentInOrder.get(tenant).stream().filter(e -> !e.contains("more")).toList();
          assertThat(firsts).containsExactlyElementsOf(IntStream.range(0, 20).mapToObj(i -> tenant + "-" + i)
              .toList());
          assertThat(sentInOrder.get(tenant)).hasSize(24);
        }
        testContext.completeNow();
      })));
    });
  }
}
