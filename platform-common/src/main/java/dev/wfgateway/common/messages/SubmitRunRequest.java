package dev.wfgateway.common.messages;

import dev.wfgateway.common.service.RecordCodec;
import io.vertx.core.json.JsonObject;

/**
 * Body of {@code platform.workflow.submit}. {@code source} and {@code redriveCount} are set by the
 * gateway and the DLQ redrive; other senders leave them out ({@code eventbus}, 0).
 */
public record SubmitRunRequest(String tenant, String workflow, JsonObject input, String idempotencyKey,
    boolean async, String requestId, RunSource source, int redriveCount) {
  public static final RecordCodec<SubmitRunRequest> CODEC =
      new RecordCodec<>(SubmitRunRequest.class, SubmitRunRequest::toJson, SubmitRunRequest::fromJson);


  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("tenant", tenant).put("workflow", workflow).put("input", input)
        .put("async", async).put("source", source.wire()).put("redriveCount", redriveCount);
    if (idempotencyKey != null) {
      json.put("idempotencyKey", idempotencyKey);
    }
    if (requestId != null) {
      json.put("requestId", requestId);
    }
    return json;
  }

  /** Validates as strictly as the gateway does: a bad message is a 400 problem. */
  public static SubmitRunRequest fromJson(JsonObject json) {
    String tenant = Messages.requireString(json, "tenant");
    String workflow = Messages.requireString(json, "workflow");
    Object input = json.getValue("input", new JsonObject());
    if (!(input instanceof JsonObject in)) {
      throw Messages.invalid("/input", "input must be a JSON object");
    }
    Object async = json.getValue("async", false);
    if (!(async instanceof Boolean a)) {
      throw Messages.invalid("/async", "async must be a boolean");
    }
    String sourceText = Messages.optionalString(json, "source");
    RunSource source;
    try {
      source = sourceText == null ? RunSource.EVENTBUS : RunSource.fromWire(sourceText);
    } catch (IllegalArgumentException e) {
      throw Messages.invalid("/source", "source must be http, eventbus or redrive");
    }
    Object redrives = json.getValue("redriveCount", 0);
    if (!(redrives instanceof Integer r) || r < 0) {
      throw Messages.invalid("/redriveCount", "redriveCount must be a non-negative integer");
    }
    return new SubmitRunRequest(tenant, workflow, in, Messages.optionalString(json, "idempotencyKey"), a,
        Messages.optionalString(json, "requestId"), source, r);
  }
}
