package dev.wfgateway.workflow;

import dev.wfgateway.common.Addresses;
import dev.wfgateway.common.messages.DlqEntry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;

/**
 * Hands a failed run to the DLQ verticle and answers the entry id once it is durably stored.
 * Retries a few times so that a DLQ node restarting does not lose the entry.
 */
final class DeadLetterSender {
  private static final int ATTEMPTS = 4;
  private static final long FIRST_BACKOFF_MILLIS = 100;

  private final Vertx vertx;

  DeadLetterSender(Vertx vertx) {
    this.vertx = vertx;
  }

  Future<String> send(DlqEntry entry) {
    return attempt(entry, 1);
  }

  private Future<String> attempt(DlqEntry entry, int attempt) {
    return vertx.eventBus().<JsonObject>request(Addresses.DLQ_ADD, entry.toJson(),
            new DeliveryOptions().setSendTimeout(5_000))
        .map(reply -> reply.body().getString("id"))
        .recover(failure -> attempt >= ATTEMPTS ? Future.failedFuture(failure)
            : vertx.timer(FIRST_BACKOFF_MILLIS << (attempt - 1)).compose(v -> attempt(entry, attempt + 1)));
  }
}
