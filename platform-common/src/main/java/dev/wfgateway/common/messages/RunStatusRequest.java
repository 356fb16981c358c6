package dev.wfgateway.common.messages;

import io.vertx.core.json.JsonObject;

/** Body of {@code platform.workflow.status}. */
public record RunStatusRequest(String tenant, String runId) {
  public JsonObject toJson() {
    return new JsonObject().put("tenant", tenant).put("runId", runId);
  }

  public static RunStatusRequest fromJson(JsonObject json) {
    return new RunStatusRequest(Messages.requireString(json, "tenant"), Messages.requireString(json, "runId"));
  }
}
