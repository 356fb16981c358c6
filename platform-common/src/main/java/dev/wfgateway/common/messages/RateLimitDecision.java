package dev.wfgateway.common.messages;

import io.vertx.core.json.JsonArray;
import dev.wfgateway.common.service.RecordCodec;
import io.vertx.core.json.JsonObject;
import java.util.List;

/** Reply of {@code platform.ratelimit.check}; {@code retryAfterSeconds} is null when allowed. */
public record RateLimitDecision(boolean allowed, List<PolicyState> policies, Long retryAfterSeconds, String mode) {
  public static final RecordCodec<RateLimitDecision> CODEC =
      new RecordCodec<>(RateLimitDecision.class, RateLimitDecision::toJson, RateLimitDecision::fromJson);


  public static final String MODE_REDIS = "redis";
  public static final String MODE_LOCAL = "local";

  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("allowed", allowed)
        .put("policies", new JsonArray(policies.stream().map(PolicyState::toJson).toList()))
        .put("mode", mode);
    if (retryAfterSeconds != null) {
      json.put("retryAfterSeconds", retryAfterSeconds);
    }
    return json;
  }

  public static RateLimitDecision fromJson(JsonObject json) {
    List<PolicyState> policies = json.getJsonArray("policies", new JsonArray()).stream()
        .map(o -> PolicyState.fromJson((JsonObject) o)).toList();
    return new RateLimitDecision(json.getBoolean("allowed"), policies, json.getLong("retryAfterSeconds"),
        json.getString("mode"));
  }
}
