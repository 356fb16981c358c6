package dev.wfgateway.dlq;

import dev.wfgateway.common.Addresses;
import dev.wfgateway.common.messages.DlqEntry;
import dev.wfgateway.common.messages.RunSource;
import dev.wfgateway.common.messages.SubmitRunRequest;
import dev.wfgateway.dlq.DeadLetterStore.Removal;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;
import java.lang.System.Logger.Level;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Objects;

/**
 * Submits dead-lettered runs again, at most {@code ratePerSecond} submissions per second across
 * all redrives of this verticle, so a redrive cannot flood the workflows downstream. Pacing ticks
 * every {@code 1000 / ratePerSecond} ms (at least 1 ms), from when a redrive finds nothing waiting,
 * and each tick sends what the rate allows in that time, a fraction carried to the next: a rate
 * that divides 1000 sends one a tick, 2500/s sends 2 and 3 in turn each millisecond. An entry
 * leaves the store only after its submission was accepted; a failed submission leaves it where it
 * is and is not counted.
 */
final class Redrive {
  private static final System.Logger LOG = System.getLogger(Redrive.class.getName());

  private record Submission(DlqEntry entry, String requestId, Promise<String> runId) {
  }

  private final EventBus bus;
  private final PeriodicTimers timers;
  private final DeadLetterStore store;
  private final long tickMillis;
  private final double perTick;
  private final Deque<Submission> waiting = new ArrayDeque<>();
  private double allowance;
  private long timer = -1;

  Redrive(EventBus bus, PeriodicTimers timers, DeadLetterStore store, int ratePerSecond) {
    this.bus = bus;
    this.timers = timers;
    this.store = store;
    this.tickMillis = Math.max(1, 1000 / ratePerSecond);
    this.perTick = ratePerSecond * tickMillis / 1000.0;
  }

  /**
   * Redrives the entries; completes with the run ids of those submitted, in the entries' order.
   * {@code requestId} is the request that asked for the redrive, when known; otherwise each run
   * keeps its entry's.
   */
  Future<List<String>> redrive(List<DlqEntry> entries, String requestId) {
    List<Future<String>> runIds = new ArrayList<>();
    for (DlqEntry entry : entries) {
      Promise<String> runId = Promise.promise();
      waiting.add(new Submission(entry, requestId != null ? requestId : entry.requestId(), runId));
      runIds.add(runId.future());
    }
    if (timer < 0 && !waiting.isEmpty()) {
      allowance = 0;
      timer = timers.start(tickMillis, id -> release());
    }
    return Future.join(runIds).transform(done -> Future.succeededFuture(
        runIds.stream().map(Future::result).filter(Objects::nonNull).toList()));
  }

  private void release() {
    allowance += perTick;
    while (allowance >= 1 && !waiting.isEmpty()) {
      allowance--;
      Submission next = waiting.poll();
      submit(next.entry(), next.requestId()).onComplete(next.runId());
    }
    if (waiting.isEmpty()) {
      timers.cancel(timer);
      timer = -1;
    }
  }

  /** Completes with the new run's id, or with null when the submission failed (the entry stays). */
  private Future<String> submit(DlqEntry entry, String requestId) {
    JsonObject request = new SubmitRunRequest(entry.tenant(), entry.workflow(), entry.input(), null, true,
        requestId, RunSource.REDRIVE, entry.redriveCount() + 1).toJson();
    return bus.<JsonObject>request(Addresses.WORKFLOW_SUBMIT, request)
        .otherwise(failure -> {
          LOG.log(Level.WARNING, "Redrive of DLQ entry {0} of {1} failed; it stays: {2}", entry.id(),
              entry.tenant(), failure.toString());
          return null;
        })
        .compose(reply -> reply == null ? Future.succeededFuture() : removeRedriven(entry, reply.body()));
  }

  private Future<String> removeRedriven(DlqEntry entry, JsonObject run) {
    return store.remove(entry.tenant(), List.of(entry.id()), Removal.REDRIVEN)
        .otherwise(failure -> {
          LOG.log(Level.ERROR, "DLQ entry {0} of {1} was redriven but could not be removed: {2}", entry.id(),
              entry.tenant(), failure.toString());
          return 0;
        })
        .map(removed -> run.getString("runId"));
  }

  /** Stops pacing; submissions not yet sent are dropped and not counted (their entries stay in the store). */
  void close() {
    if (timer >= 0) {
      timers.cancel(timer);
      timer = -1;
    }
    waiting.forEach(s -> s.runId().tryComplete(null));
    waiting.clear();
  }
}
