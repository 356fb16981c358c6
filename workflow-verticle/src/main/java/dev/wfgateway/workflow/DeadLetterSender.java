package dev.wfgateway.workflow;

import dev.wfgateway.common.Addresses;
import dev.wfgateway.common.messages.DlqEntry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * Hands a failed run to the DLQ verticle and answers the entry id once it is durably stored. It
 * retries a few times at once; an entry the DLQ still cannot take waits in an outbox and is
 * offered again, in order, every {@link #OUTBOX_RETRY_MILLIS} until the DLQ is back (a redeploy,
 * a restarting DLQ node), so that a failed run is never left out of the DLQ while this node lives.
 */
final class DeadLetterSender {
  static final long OUTBOX_RETRY_MILLIS = 1_000;
  /** Beyond this many waiting entries the oldest runs stay {@code failed} only (and it is logged). */
  static final int OUTBOX_CAPACITY = 100_000;
  private static final int ATTEMPTS = 4;
  private static final long FIRST_BACKOFF_MILLIS = 100;
  private static final Logger LOG = Logger.getLogger(DeadLetterSender.class.getName());

  private record Waiting(DlqEntry entry, Consumer<String> stored) {
  }

  private final Vertx vertx;
  private final Deque<Waiting> outbox = new ArrayDeque<>();
  private long timer = -1;
  private boolean draining;

  DeadLetterSender(Vertx vertx) {
    this.vertx = vertx;
  }

  Future<String> send(DlqEntry entry) {
    return attempt(entry, 1);
  }

  /** Keeps an entry the DLQ could not take; {@code stored} gets its id once the DLQ has it. */
  void later(DlqEntry entry, Consumer<String> stored) {
    if (outbox.size() >= OUTBOX_CAPACITY) {
      Waiting dropped = outbox.pollFirst();
      LOG.severe("DLQ outbox full: run " + dropped.entry().runId() + " stays failed without a DLQ entry");
    }
    outbox.addLast(new Waiting(entry, stored));
    if (timer < 0) {
      timer = vertx.setPeriodic(OUTBOX_RETRY_MILLIS, id -> drain());
    }
  }

  int waiting() {
    return outbox.size();
  }

  void stop() {
    vertx.cancelTimer(timer);
    if (!outbox.isEmpty()) {
      LOG.severe(outbox.size() + " failed runs could not be handed to the DLQ before this node stopped; "
          + "their run records say failed");
    }
  }

  private void drain() {
    Waiting next = outbox.peekFirst();
    if (draining || next == null) {
      return;
    }
    draining = true;
    request(next.entry()).onComplete(ar -> {
      draining = false;
      if (ar.succeeded()) {
        outbox.pollFirst();
        next.stored().accept(ar.result());
        drain();
      }
    });
  }

  private Future<String> attempt(DlqEntry entry, int attempt) {
    return request(entry).recover(failure -> attempt >= ATTEMPTS ? Future.failedFuture(failure)
        : vertx.timer(FIRST_BACKOFF_MILLIS << (attempt - 1)).compose(v -> attempt(entry, attempt + 1)));
  }

  private Future<String> request(DlqEntry entry) {
    return vertx.eventBus().<JsonObject>request(Addresses.DLQ_ADD, entry.toJson(),
            new DeliveryOptions().setSendTimeout(5_000))
        .map(reply -> reply.body().getString("id"));
  }
}
