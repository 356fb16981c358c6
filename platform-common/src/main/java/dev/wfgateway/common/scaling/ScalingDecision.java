package dev.wfgateway.common.scaling;

import io.vertx.core.json.JsonObject;

/** The answer of {@code GET /admin/scaling}: {@code action} is scale_up, scale_down or none. */
public record ScalingDecision(String action, int currentReplicas, int desiredReplicas, String reason,
    JsonObject inputs) {

  public JsonObject toJson() {
    return new JsonObject().put("action", action).put("currentReplicas", currentReplicas)
        .put("desiredReplicas", desiredReplicas).put("reason", reason).put("inputs", inputs);
  }
}
