package dev.wfgateway.common.messages;

import dev.wfgateway.common.ProblemType;
import dev.wfgateway.common.ProblemException;
import dev.wfgateway.common.service.RecordCodec;
import io.vertx.core.json.JsonObject;

/** Body of {@code platform.ratelimit.check}. */
public record RateLimitRequest(String tenant, String route, int cost) {
  public static final RecordCodec<RateLimitRequest> CODEC =
      new RecordCodec<>(RateLimitRequest.class, RateLimitRequest::toJson, RateLimitRequest::fromJson);


  public JsonObject toJson() {
    return new JsonObject().put("tenant", tenant).put("route", route).put("cost", cost);
  }

  public static RateLimitRequest fromJson(JsonObject json) {
    Messages.requireString(json, "tenant");
    Messages.requireString(json, "route");
    Object cost = json.getValue("cost", 1);
    if (!(cost instanceof Integer c) || c < 1) {
      throw new ProblemException(ProblemType.VALIDATION_FAILED.problem("cost must be a positive integer"));
    }
    return new RateLimitRequest(json.getString("tenant"), json.getString("route"), c);
  }
}
