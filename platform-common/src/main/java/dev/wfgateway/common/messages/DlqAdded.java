package dev.wfgateway.common.messages;

import dev.wfgateway.common.service.RecordCodec;
import io.vertx.core.json.JsonObject;

/** Reply of {@code platform.dlq.add}: the id the DLQ stored the entry under. */
public record DlqAdded(String id) {
  public static final RecordCodec<DlqAdded> CODEC = new RecordCodec<>(DlqAdded.class,
      added -> new JsonObject().put("id", added.id), json -> new DlqAdded(json.getString("id")));
}
