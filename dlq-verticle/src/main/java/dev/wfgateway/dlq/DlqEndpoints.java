package dev.wfgateway.dlq;

import dev.wfgateway.common.Addresses;
import dev.wfgateway.common.Headers;
import dev.wfgateway.common.Problem;
import dev.wfgateway.common.ProblemException;
import dev.wfgateway.common.ProblemType;
import dev.wfgateway.common.messages.DlqEntry;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Binds the {@code platform.dlq.*} addresses to the queue: decodes each request, replies with JSON,
 * and turns failures into problems (bad input 400, unknown entry 404, store unavailable 503).
 */
final class DlqEndpoints {
  private static final System.Logger LOG = System.getLogger(DlqEndpoints.class.getName());

  private final EventBus bus;
  private final String nodeId;
  private final DeadLetterQueue queue;
  private final Redrive redrive;
  private final DlqMetrics metrics;
  private final List<MessageConsumer<Object>> consumers = new ArrayList<>();

  /** {@code nodeId}: each address is also served as {@code <address>.<nodeId>}, for gateways that pick the node. */
  DlqEndpoints(EventBus bus, String nodeId, DeadLetterQueue queue, Redrive redrive, DlqMetrics metrics) {
    this.bus = bus;
    this.nodeId = nodeId;
    this.queue = queue;
    this.redrive = redrive;
    this.metrics = metrics;
  }

  /** Completes once every consumer is registered. */
  Future<Void> register() {
    serve(Addresses.DLQ_ADD, msg -> queue.add(DlqEntry.fromJson(body(msg))).map(id -> new JsonObject().put("id", id)));
    serve(Addresses.DLQ_QUERY, msg -> {
      DlqQuery query = DlqQuery.fromJson(body(msg));
      return query.filter().id() != null
          ? queue.get(query.filter()).map(DlqEntry::toJson)
          : queue.page(query).map(DeadLetterQueue.Page::toJson);
    });
    serve(Addresses.DLQ_RETRY, msg -> queue.select(DlqQuery.fromJson(body(msg)).filter())
        .compose(entries -> redrive.redrive(entries, msg.headers().get(Headers.REQUEST_ID)))
        .map(runIds -> new JsonObject().put("retried", runIds.size())
            .put("runIds", new JsonArray(new ArrayList<>(runIds)))));
    serve(Addresses.DLQ_DELETE, msg -> queue.delete(DlqQuery.fromJson(body(msg)).filter())
        .map(deleted -> new JsonObject().put("deleted", deleted)));
    serve(Addresses.DLQ_STATS, msg -> {
      String tenant = DlqQuery.fromJson(body(msg)).filter().tenant();
      return queue.stats(tenant).map(byTenant -> {
        metrics.record(byTenant);
        return queue.statsJson(byTenant);
      });
    });
    return Future.all(consumers.stream().map(MessageConsumer::completion).toList()).mapEmpty();
  }

  Future<Void> unregister() {
    return Future.all(consumers.stream().map(MessageConsumer::unregister).toList()).mapEmpty();
  }

  private void serve(String address, Function<Message<Object>, Future<JsonObject>> handler) {
    serveAt(address, address, handler);
    serveAt(Addresses.onNode(address, nodeId), address, handler);
  }

  private void serveAt(String at, String address, Function<Message<Object>, Future<JsonObject>> handler) {
    consumers.add(bus.consumer(at, msg -> {
      Future<JsonObject> reply;
      try {
        reply = handler.apply(msg);
      } catch (RuntimeException e) {
        reply = Future.failedFuture(e);
      }
      reply.onSuccess(msg::reply).onFailure(failure -> {
        Problem problem = problemFor(address, failure);
        msg.fail(problem.status(), problem.toJson().encode());
      });
    }));
  }

  private static JsonObject body(Message<Object> msg) {
    if (msg.body() instanceof JsonObject json) {
      return json;
    }
    throw new ProblemException(ProblemType.VALIDATION_FAILED.problem("the message body must be a JSON object"));
  }

  /** A problem raised on purpose is answered as is; anything else means the store could not do its job. */
  private static Problem problemFor(String address, Throwable failure) {
    if (failure instanceof ProblemException pe) {
      return pe.problem();
    }
    LOG.log(Level.WARNING, "{0} failed: {1}", address, failure.toString());
    return ProblemType.DEPENDENCY_UNAVAILABLE.problem("The dead letter store is unavailable; try again shortly")
        .with("retryAfterSeconds", 1);
  }
}
