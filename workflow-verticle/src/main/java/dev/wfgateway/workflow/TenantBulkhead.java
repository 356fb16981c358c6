package dev.wfgateway.workflow;

import dev.wfgateway.common.ProblemException;
import dev.wfgateway.common.ProblemType;
import dev.wfgateway.common.config.BulkheadConfig;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * One tenant's share of a node: at most {@code maxConcurrent} runs at once and {@code maxQueued}
 * waiting in FIFO order. Nothing ever blocks: a waiting run holds a promise, and a full bulkhead
 * fails at once. Confined to the workflow verticle's event loop.
 */
final class TenantBulkhead {
  private final BulkheadConfig limits;
  private final Deque<Promise<Permit>> waiting = new ArrayDeque<>();
  private int active;
  private long rejected;

  TenantBulkhead(BulkheadConfig limits) {
    this.limits = limits;
  }

  /** A slot to run in; a future already failed with 429 when the tenant is at both limits. */
  Future<Permit> admit() {
    if (active < limits.maxConcurrent()) {
      active++;
      return Future.succeededFuture(new Permit());
    }
    if (waiting.size() < limits.maxQueued()) {
      Promise<Permit> promise = Promise.promise();
      waiting.addLast(promise);
      return promise.future();
    }
    rejected++;
    return Future.failedFuture(new ProblemException(ProblemType.BULKHEAD_FULL
        .problem("The tenant already has " + active + " runs in progress and " + waiting.size() + " waiting")
        .with("retryAfterSeconds", 1)));
  }

  /** Fails every waiting run (node shutdown); the caller dead-letters them. */
  void rejectWaiting(String why) {
    Promise<Permit> next;
    while ((next = waiting.pollFirst()) != null) {
      next.fail(why);
    }
  }

  int active() {
    return active;
  }

  int queued() {
    return waiting.size();
  }

  long rejected() {
    return rejected;
  }

  /** Held by one run; released exactly once, handing the slot to the longest waiting run. */
  final class Permit {
    private boolean released;

    void release() {
      if (released) {
        return;
      }
      released = true;
      Promise<Permit> next = waiting.pollFirst();
      if (next != null) {
        next.complete(new Permit());
      } else {
        active--;
      }
    }
  }
}
