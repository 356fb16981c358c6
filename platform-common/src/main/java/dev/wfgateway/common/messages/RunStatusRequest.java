package dev.wfgateway.common.messages;

import dev.wfgateway.common.service.RecordCodec;
import io.vertx.core.json.JsonObject;

/** Body of {@code platform.workflow.status}. */
public record RunStatusRequest(String tenant, String runId) {
  public static final RecordCodec<RunStatusRequest> CODEC =
      new RecordCodec<>(RunStatusRequest.class, RunStatusRequest::toJson, RunStatusRequest::fromJson);

  public JsonObject toJson() {
    return new JsonObject().put("tenant", tenant).put("runId", runId);
  }

  public static RunStatusRequest fromJson(JsonObject json) {
    return new RunStatusRequest(Messages.requireString(json, "tenant"), Messages.requireString(json, "runId"));
  }
}
