package dev.wfgateway.ratelimit;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/** Platform configuration JSON for tests: tenants acme and globex, both with the given route limits. */
final class PlatformConfigJson {
  private PlatformConfigJson() {
  }

  static JsonObject policy(String name, long limit, String window) {
    return new JsonObject().put("name", name).put("limit", limit).put("window", window);
  }

  /** {@code rateLimits} as configuration writes it: {@code {route: [policy, ...]}}. */
  static JsonObject rateLimits(String route, JsonObject... policies) {
    return new JsonObject().put(route, new JsonArray(List.of((Object[]) policies)));
  }

  static JsonObject local(JsonObject rateLimits) {
    JsonObject tenant = new JsonObject().put("keys", new JsonArray()).put("rateLimits", rateLimits);
    return new JsonObject().put("verticles", new JsonArray().add("ratelimit"))
        .put("tenants", new JsonObject().put("acme", tenant).put("globex", tenant.copy()));
  }

  static JsonObject redis(JsonObject rateLimits, JsonObject redis) {
    return local(rateLimits).put("redis", redis);
  }
}
