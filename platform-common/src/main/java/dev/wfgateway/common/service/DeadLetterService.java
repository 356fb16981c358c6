package dev.wfgateway.common.service;

import dev.wfgateway.common.Addresses;
import dev.wfgateway.common.Headers;
import dev.wfgateway.common.messages.DlqAdded;
import dev.wfgateway.common.messages.DlqEntry;
import dev.wfgateway.common.messages.DlqQuery;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.stream.Stream;

/**
 * The dead letter queue: {@code platform.dlq.add}, {@code query}, {@code retry}, {@code delete} and
 * {@code stats}. The replies other than add's are the contract's JSON documents (DESIGN.md section 3).
 */
public interface DeadLetterService {
  Endpoint<DlqEntry, DlqAdded> ADD = new Endpoint<>(Addresses.DLQ_ADD, DlqEntry.CODEC, DlqAdded.CODEC);
  Endpoint<DlqQuery, JsonObject> QUERY = new Endpoint<>(Addresses.DLQ_QUERY, DlqQuery.CODEC,
      RecordCodec.JSON_DOCUMENT);
  Endpoint<DlqQuery, JsonObject> RETRY = new Endpoint<>(Addresses.DLQ_RETRY, DlqQuery.CODEC,
      RecordCodec.JSON_DOCUMENT);
  Endpoint<DlqQuery, JsonObject> DELETE = new Endpoint<>(Addresses.DLQ_DELETE, DlqQuery.CODEC,
      RecordCodec.JSON_DOCUMENT);
  Endpoint<DlqQuery, JsonObject> STATS = new Endpoint<>(Addresses.DLQ_STATS, DlqQuery.CODEC,
      RecordCodec.JSON_DOCUMENT);

  /** Stores a dead-lettered run. */
  Future<DlqAdded> add(DlqEntry entry);

  /** The entry the filter's id names, or else a page of the entries the filter selects. */
  Future<JsonObject> query(DlqQuery query);

  /**
   * Submits the selected entries again; {@code requestId} (the {@code x-request-id} of the
   * request, or null) is the request id of the runs it starts.
   */
  Future<JsonObject> retry(DlqQuery query, String requestId);

  Future<JsonObject> delete(DlqQuery query);

  /** The figures of the filter's tenant, or of every tenant. */
  Future<JsonObject> stats(DlqQuery query);

  /** Serves {@code service} at the contract addresses and at this node's own addresses. */
  static List<MessageConsumer<Object>> bind(EventBus bus, String nodeId, DeadLetterService service) {
    MessageCodecs.register(bus);
    return Stream.of(
            ADD.serveWithNodeAddress(bus, nodeId, (entry, headers) -> service.add(entry)),
            QUERY.serveWithNodeAddress(bus, nodeId, (query, headers) -> service.query(query)),
            RETRY.serveWithNodeAddress(bus, nodeId,
                (query, headers) -> service.retry(query, headers.get(Headers.REQUEST_ID))),
            DELETE.serveWithNodeAddress(bus, nodeId, (query, headers) -> service.delete(query)),
            STATS.serveWithNodeAddress(bus, nodeId, (query, headers) -> service.stats(query)))
        .flatMap(List::stream).toList();
  }
}
