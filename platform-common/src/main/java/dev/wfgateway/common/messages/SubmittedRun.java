package dev.wfgateway.common.messages;

import dev.wfgateway.common.service.RecordCodec;
import io.vertx.core.json.JsonObject;

/**
 * Reply of {@code platform.workflow.submit}: the run record (final for a sync run, queued for an
 * async one) and whether it replays an earlier submit with the same Idempotency-Key. A JSON sender
 * gets the record alone, the replay flagged by the {@code x-idempotent-replayed} header.
 */
public record SubmittedRun(JsonObject run, boolean replayed) {
  public static final RecordCodec<SubmittedRun> CODEC = new RecordCodec<>(SubmittedRun.class,
      s -> new JsonObject().put("run", s.run).put("replayed", s.replayed),
      json -> new SubmittedRun(json.getJsonObject("run"), json.getBoolean("replayed", false)));
}
