package dev.wfgateway.dlq;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * Group commit of adds, per tenant: at most one batch of a tenant is in flight; adds that arrive
 * meanwhile wait and go out together in the next batch, in arrival order. An add to an idle tenant
 * is sent at once, so batching costs no latency; under load one round trip carries many entries.
 * When a batch fails, the adds waiting behind it fail too: the store is not answering, and they
 * are better off in the spool, behind the failed batch, than timing out one batch after another.
 * Used on the event loop only.
 */
final class AddBatcher {
  private record Pending(String json, Promise<String> id) {
  }

  private final int maxBatch;
  private final BiFunction<String, List<String>, Future<List<String>>> sendBatch;
  private final Map<String, Deque<Pending>> waiting = new HashMap<>();
  private final Set<String> inFlight = new HashSet<>();

  /**
   * @param sendBatch stores a tenant's entries (JSON) in the given order and completes with their ids
   */
  AddBatcher(int maxBatch, BiFunction<String, List<String>, Future<List<String>>> sendBatch) {
    this.maxBatch = maxBatch;
    this.sendBatch = sendBatch;
  }

  /** Completes with the entry's id once its batch is stored. */
  Future<String> add(String tenant, String json) {
    Promise<String> id = Promise.promise();
    waiting.computeIfAbsent(tenant, t -> new ArrayDeque<>()).add(new Pending(json, id));
    sendNext(tenant);
    return id.future();
  }

  private void sendNext(String tenant) {
    Deque<Pending> queue = waiting.get(tenant);
    if (queue == null || inFlight.contains(tenant)) {
      return;
    }
    List<Pending> batch = new ArrayList<>(Math.min(queue.size(), maxBatch));
    while (!queue.isEmpty() && batch.size() < maxBatch) {
      batch.add(queue.poll());
    }
    if (queue.isEmpty()) {
      waiting.remove(tenant);
    }
    inFlight.add(tenant);
    send(tenant, batch).onComplete(result -> {
      inFlight.remove(tenant);
      if (result.succeeded()) {
        for (int i = 0; i < batch.size(); i++) {
          batch.get(i).id().complete(result.result().get(i));
        }
      } else {
        batch.forEach(pending -> pending.id().fail(result.cause()));
        Deque<Pending> behind = waiting.remove(tenant);
        if (behind != null) {
          behind.forEach(pending -> pending.id().fail(result.cause()));
        }
      }
      sendNext(tenant);
    });
  }

  private Future<List<String>> send(String tenant, List<Pending> batch) {
    try {
      return sendBatch.apply(tenant, batch.stream().map(Pending::json).toList()).map(ids -> {
        if (ids.size() != batch.size()) {
          throw new IllegalStateException("a batch of " + batch.size() + " adds got " + ids.size() + " ids");
        }
        return ids;
      });
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }
}
