package dev.wfgateway.dlq;

import dev.wfgateway.common.ProblemException;
import dev.wfgateway.common.ProblemType;
import dev.wfgateway.common.messages.DlqAdded;
import dev.wfgateway.common.messages.DlqEntry;
import dev.wfgateway.common.messages.DlqQuery;
import dev.wfgateway.common.service.DeadLetterService;
import dev.wfgateway.common.service.Endpoint;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.function.Supplier;

/**
 * The {@link DeadLetterService} over the queue and its redrive: the contract's replies, a problem
 * raised on purpose (bad input 400, unknown entry 404) as it is, and any other failure as the store
 * being unavailable (503).
 */
final class DeadLetterQueueService implements DeadLetterService {
  private static final System.Logger LOG = System.getLogger(DeadLetterQueueService.class.getName());

  private final DeadLetterQueue queue;
  private final Redrive redrive;
  private final DlqMetrics metrics;

  DeadLetterQueueService(DeadLetterQueue queue, Redrive redrive, DlqMetrics metrics) {
    this.queue = queue;
    this.redrive = redrive;
    this.metrics = metrics;
  }

  @Override
  public Future<DlqAdded> add(DlqEntry entry) {
    return answer(ADD, () -> queue.add(entry).map(DlqAdded::new));
  }

  @Override
  public Future<JsonObject> query(DlqQuery query) {
    return answer(QUERY, () -> query.filter().id() != null
        ? queue.get(query.filter()).map(DlqEntry::toJson)
        : queue.page(query).map(DeadLetterQueue.Page::toJson));
  }

  @Override
  public Future<JsonObject> retry(DlqQuery query, String requestId) {
    return answer(RETRY, () -> queue.select(query.filter())
        .compose(entries -> redrive.redrive(entries, requestId))
        .map(runIds -> new JsonObject().put("retried", runIds.size())
            .put("runIds", new JsonArray(new ArrayList<>(runIds)))));
  }

  @Override
  public Future<JsonObject> delete(DlqQuery query) {
    return answer(DELETE, () -> queue.delete(query.filter()).map(deleted -> new JsonObject().put("deleted", deleted)));
  }

  @Override
  public Future<JsonObject> stats(DlqQuery query) {
    return answer(STATS, () -> queue.stats(query.filter().tenant()).map(byTenant -> {
      metrics.record(byTenant);
      return queue.statsJson(byTenant);
    }));
  }

  /** The operation's result; a failure that is not a problem means the store could not do its job (logged). */
  private static <T> Future<T> answer(Endpoint<?, ?> endpoint, Supplier<Future<T>> operation) {
    Future<T> result;
    try {
      result = operation.get();
    } catch (RuntimeException e) {
      result = Future.failedFuture(e);
    }
    return result.recover(failure -> {
      if (failure instanceof ProblemException) {
        return Future.failedFuture(failure);
      }
      LOG.log(Level.WARNING, "{0} failed: {1}", endpoint.address(), failure.toString());
      return Future.failedFuture(new ProblemException(ProblemType.DEPENDENCY_UNAVAILABLE
          .problem("The dead letter store is unavailable; try again shortly").with("retryAfterSeconds", 1)));
    });
  }
}
