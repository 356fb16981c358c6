package dev.wfgateway.workflow;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wfgateway.common.ProblemException;
import dev.wfgateway.common.ProblemType;
import dev.wfgateway.common.config.BulkheadConfig;
import io.vertx.core.Future;
import io.vertx.junit5.Checkpoint;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A tenant's slots: granted at once up to the limit, then queued FIFO, then refused at once. */
@ExtendWith(VertxExtension.class)
class TenantBulkheadTest {

  private static TenantBulkhead bulkhead(int maxConcurrent, int maxQueued) {
    return new TenantBulkhead(new BulkheadConfig(maxConcurrent, maxQueued));
  }

  @Test
  void grantsSlotsAtOnceUpToTheLimitThenQueues(VertxTestContext test) {
    TenantBulkhead bulkhead = bulkhead(2, 2);

    Future<TenantBulkhead.Permit> first = bulkhead.admit();
    Future<TenantBulkhead.Permit> second = bulkhead.admit();
    Future<TenantBulkhead.Permit> third = bulkhead.admit();

    test.verify(() -> {
      assertThat(first.succeeded()).as("first granted at once").isTrue();
      assertThat(second.succeeded()).as("second granted at once").isTrue();
      assertThat(third.isComplete()).as("third waits").isFalse();
      assertThat(bulkhead.active()).isEqualTo(2);
      assertThat(bulkhead.queued()).isEqualTo(1);
      assertThat(bulkhead.rejected()).isZero();
    });
    test.completeNow();
  }

  @Test
  void freedSlotsGoToTheWaitingRunsInTheOrderTheyCame(VertxTestContext test) {
    TenantBulkhead bulkhead = bulkhead(1, 3);
    List<String> granted = new ArrayList<>();
    Checkpoint allGranted = test.checkpoint(3);
    Checkpoint checked = test.checkpoint();
    Future<TenantBulkhead.Permit> running = bulkhead.admit();
    List<Future<TenantBulkhead.Permit>> waiting = new ArrayList<>();
    for (String name : List.of("a", "b", "c")) {
      waiting.add(bulkhead.admit().onComplete(test.succeeding(permit -> {
        granted.add(name);
        allGranted.flag();
      })));
    }

    running.result().release();
    test.verify(() -> {
      assertThat(granted).containsExactly("a");
      assertThat(bulkhead.active()).as("the slot was handed over, not freed").isEqualTo(1);
      assertThat(bulkhead.queued()).isEqualTo(2);
    });
    waiting.get(0).result().release();
    test.verify(() -> assertThat(granted).containsExactly("a", "b"));
    waiting.get(1).result().release();
    test.verify(() -> {
      assertThat(granted).containsExactly("a", "b", "c");
      assertThat(bulkhead.queued()).isZero();
      assertThat(bulkhead.active()).isEqualTo(1);
    });
    checked.flag();
  }

  @Test
  void aRunBeyondBothLimitsIsRefusedAtOnceWith429AndARetryAfter(VertxTestContext test) {
    TenantBulkhead bulkhead = bulkhead(1, 1);
    bulkhead.admit();
    Future<TenantBulkhead.Permit> queued = bulkhead.admit();

    bulkhead.admit().onComplete(test.failing(e -> test.verify(() -> {
      assertThat(ProblemException.is(e, ProblemType.BULKHEAD_FULL)).isTrue();
      ProblemException problem = (ProblemException) e;
      assertThat(problem.problem().status()).isEqualTo(429);
      assertThat(problem.problem().extensions().getInteger("retryAfterSeconds")).isEqualTo(1);
      assertThat(problem.problem().detail()).isEqualTo("The tenant already has 1 runs in progress and 1 waiting");
      assertThat(bulkhead.rejected()).isEqualTo(1);
      assertThat(bulkhead.active()).isEqualTo(1);
      assertThat(bulkhead.queued()).as("the refused run did not queue").isEqualTo(1);
      assertThat(queued.isComplete()).isFalse();
      test.completeNow();
    })));
  }

  @Test
  void withNoQueueTheRunAfterTheLimitIsRefused(VertxTestContext test) {
    TenantBulkhead bulkhead = bulkhead(1, 0);
    bulkhead.admit();

    bulkhead.admit().onComplete(test.failing(e -> test.verify(() -> {
      assertThat(ProblemException.is(e, ProblemType.BULKHEAD_FULL)).isTrue();
      assertThat(bulkhead.queued()).isZero();
      test.completeNow();
    })));
  }

  @Test
  void aSlotFreedWithNobodyWaitingIsFreeForTheNextRun(VertxTestContext test) {
    TenantBulkhead bulkhead = bulkhead(1, 0);
    bulkhead.admit().result().release();
    test.verify(() -> assertThat(bulkhead.active()).isZero());

    bulkhead.admit().onComplete(test.succeeding(permit -> test.verify(() -> {
      assertThat(bulkhead.active()).isEqualTo(1);
      test.completeNow();
    })));
  }

  @Test
  void aPermitReleasedTwiceFreesOneSlot(VertxTestContext test) {
    TenantBulkhead bulkhead = bulkhead(2, 2);
    TenantBulkhead.Permit permit = bulkhead.admit().result();
    bulkhead.admit();
    Future<TenantBulkhead.Permit> a = bulkhead.admit();
    Future<TenantBulkhead.Permit> b = bulkhead.admit();

    permit.release();
    permit.release();

    test.verify(() -> {
      assertThat(a.succeeded()).isTrue();
      assertThat(b.isComplete()).as("the second release handed nothing over").isFalse();
      assertThat(bulkhead.active()).isEqualTo(2);
      assertThat(bulkhead.queued()).isEqualTo(1);
    });
    a.result().release();
    a.result().release();
    test.verify(() -> {
      assertThat(b.succeeded()).isTrue();
      assertThat(bulkhead.active()).isEqualTo(2);
    });
    b.result().release();
    b.result().release();
    test.verify(() -> assertThat(bulkhead.active()).isEqualTo(1));
    test.completeNow();
  }

  @Test
  void withdrawingTheWaitingRunsFailsEachAndLeavesTheRunningOnes(VertxTestContext test) {
    TenantBulkhead bulkhead = bulkhead(1, 2);
    TenantBulkhead.Permit running = bulkhead.admit().result();
    Checkpoint withdrawn = test.checkpoint(2);
    Checkpoint checked = test.checkpoint();
    for (int i = 0; i < 2; i++) {
      bulkhead.admit().onComplete(test.failing(e -> test.verify(() -> {
        assertThat(e).hasMessage("the node shut down before the run could start");
        withdrawn.flag();
      })));
    }

    bulkhead.rejectWaiting("the node shut down before the run could start");

    test.verify(() -> {
      assertThat(bulkhead.queued()).isZero();
      assertThat(bulkhead.active()).isEqualTo(1);
      running.release();
      assertThat(bulkhead.active()).as("nobody left to hand the slot to").isZero();
    });
    checked.flag();
  }
}
