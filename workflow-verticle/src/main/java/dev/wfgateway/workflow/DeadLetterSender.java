package dev.wfgateway.workflow;

import dev.wfgateway.common.messages.DlqEntry;
import dev.wfgateway.common.resilience.DependencyBreaker;
import dev.wfgateway.common.service.DeadLetterService;
import dev.wfgateway.common.service.MessageCodecs;
import dev.wfgateway.common.service.Requester;
import dev.wfgateway.common.service.ServiceFailure;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.circuitbreaker.CircuitBreakerOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * Hands a failed run to the DLQ verticle and answers the entry id once it is durably stored.
 *
 * <p>The hand-off runs through a Vert.x circuit breaker ({@value #DEPENDENCY}): a hand-off is
 * tried {@value #RETRIES} more times after the first (after 100, 200, 400 ms), and one that still
 * fails opens the breaker, so that while the DLQ is away a failed run goes to the outbox at once
 * instead of waiting out its retries. The outbox is offered again, in order, every
 * {@link #RETRY_INTERVAL_MILLIS} through the same breaker: nothing is sent while it is open, and
 * the first offer once it is half-open is its trial. So a failed run is never left out of the
 * DLQ while this node lives (a redeploy, a restarting DLQ node).
 *
 * <p>An entry the DLQ refuses (a 4xx answer: it can never be stored) is not retried and does not
 * count against the breaker, since the DLQ answered. The DLQ refuses with a {@link ServiceFailure}: a
 * {@link ReplyException} whose failure code is the problem's status, as a service speaking the JSON
 * contract fails a request.
 */
final class DeadLetterSender {
  static final String DEPENDENCY = "dlq-handoff";
  static final long RETRY_INTERVAL_MILLIS = 1_000;
  static final int RETRIES = 3;
  /** Beyond this many waiting entries the oldest runs stay {@code failed} only (and it is logged). */
  static final int OUTBOX_CAPACITY = 100_000;
  private static final long FIRST_BACKOFF_MILLIS = 100;
  private static final long SEND_TIMEOUT_MILLIS = 5_000;
  private static final Logger LOG = Logger.getLogger(DeadLetterSender.class.getName());

  private record Waiting(DlqEntry entry, Consumer<String> stored) {
  }

  /** The DLQ's answer: the id it stored the entry under, or why it never will. */
  private record Handoff(String id, ReplyException refusal) {
  }

  private final Vertx vertx;
  private final Requester bus;
  private final DependencyBreaker breaker;
  private final Deque<Waiting> outbox = new ArrayDeque<>();
  private long timer = -1;
  private boolean draining;

  DeadLetterSender(Vertx vertx, MeterRegistry registry) {
    this.vertx = vertx;
    this.bus = Requester.of(vertx.eventBus());
    MessageCodecs.register(vertx.eventBus());
    CircuitBreakerOptions options = new CircuitBreakerOptions()
        .setMaxFailures(1)
        .setMaxRetries(RETRIES)
        .setTimeout(-1) // the request carries its own send timeout
        .setResetTimeout(RETRY_INTERVAL_MILLIS);
    this.breaker = new DependencyBreaker(vertx, DEPENDENCY, options, registry);
    breaker.breaker().retryPolicy((failure, retry) -> backoff(retry));
  }

  /** The pause before retry {@code retry} (1-based) of one hand-off. */
  static long backoff(int retry) {
    return FIRST_BACKOFF_MILLIS << (retry - 1);
  }

  /**
   * The id the DLQ stored {@code entry} under; fails with the DLQ's {@link ReplyException} if it
   * refused it, or the breaker's {@link io.vertx.circuitbreaker.OpenCircuitException} while the DLQ
   * is away.
   */
  Future<String> send(DlqEntry entry) {
    return breaker.execute(() -> request(entry))
        .compose(handoff -> handoff.refusal() == null ? Future.succeededFuture(handoff.id())
            : Future.failedFuture(handoff.refusal()));
  }

  /** Keeps an entry the DLQ could not take; {@code stored} gets its id once the DLQ has it. */
  void later(DlqEntry entry, Consumer<String> stored) {
    if (outbox.size() >= OUTBOX_CAPACITY) {
      Waiting dropped = outbox.pollFirst();
      LOG.severe("DLQ outbox full: run " + dropped.entry().runId() + " stays failed without a DLQ entry");
    }
    outbox.addLast(new Waiting(entry, stored));
    if (timer < 0) {
      timer = vertx.setPeriodic(RETRY_INTERVAL_MILLIS, id -> drain());
    }
  }

  int waiting() {
    return outbox.size();
  }

  void stop() {
    vertx.cancelTimer(timer);
    breaker.close();
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
    breaker.execute(() -> request(next.entry())).onComplete(ar -> {
      draining = false;
      if (ar.succeeded()) {
        outbox.pollFirst();
        if (ar.result().refusal() == null) {
          next.stored().accept(ar.result().id());
        } else {
          LOG.severe("the DLQ refused run " + next.entry().runId() + " (" + ar.result().refusal().getMessage()
              + "); it stays failed without a DLQ entry");
        }
        drain();
      }
    });
  }

  private Future<Handoff> request(DlqEntry entry) {
    return DeadLetterService.ADD.request(bus, entry, new DeliveryOptions().setSendTimeout(SEND_TIMEOUT_MILLIS))
        .map(added -> new Handoff(added.id(), null))
        .recover(failure -> refused(failure) ? Future.succeededFuture(new Handoff(null, (ReplyException) failure))
            : Future.failedFuture(failure));
  }

  private static boolean refused(Throwable failure) {
    return failure instanceof ReplyException reply && reply.failureType() == ReplyFailure.RECIPIENT_FAILURE
        && reply.failureCode() >= 400 && reply.failureCode() < 500;
  }
}
