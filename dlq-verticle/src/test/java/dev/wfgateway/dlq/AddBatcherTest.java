package dev.wfgateway.dlq;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AddBatcherTest {
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

  @Test
  void sendsAnAddToAnIdleTenantAtOnceAndGroupsWhatArrivesMeanwhileInOrder() {
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
    sent.get(1).ids().complete(idsFor(sent.get(1).entries()));
    assertThat(sent.get(2).entries()).containsExactly("e");
    sent.get(2).ids().complete(idsFor(sent.get(2).entries()));
    assertThat(waiting).extracting(Future::result).containsExactly("id-b", "id-c", "id-d", "id-e");
  }

  @Test
  void keepsOneBatchInFlightPerTenantButTenantsDoNotWaitForEachOther() {
    batcher.add("acme", "a1");
    batcher.add("acme", "a2");
    batcher.add("globex", "g1");
    assertThat(sent).extracting(Sent::tenant).containsExactly("acme", "globex");
  }

  @Test
  void failsTheAddsWaitingBehindAFailedBatchAndStartsAfreshAfterwards() {
    Future<String> inFlight = batcher.add("acme", "a");
    Future<String> behind = batcher.add("acme", "b");
    sent.get(0).ids().fail("Redis did not answer");
    assertThat(inFlight.failed()).isTrue();
    assertThat(behind.failed()).isTrue();
    assertThat(sent).hasSize(1);

    Future<String> later = batcher.add("acme", "c");
    sent.get(1).ids().complete(List.of("id-c"));
    assertThat(later.result()).isEqualTo("id-c");
  }

  @Test
  void failsABatchWhoseReplyDoesNotHaveOneIdPerEntry() {
    Future<String> a = batcher.add("acme", "a");
    sent.get(0).ids().complete(List.of());
    assertThat(a.failed()).isTrue();
    assertThat(a.cause()).hasMessageContaining("a batch of 1 adds got 0 ids");
  }
}
