package dev.wfgateway.ratelimit;

import dev.wfgateway.common.Addresses;
import dev.wfgateway.common.messages.RateLimitDecision;
import dev.wfgateway.common.messages.RateLimitRequest;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

/** Rate-limit checks sent over the event bus, as the gateway sends them. */
final class EventBusChecks {
  private EventBusChecks() {
  }

  static Future<RateLimitDecision> send(Vertx vertx, String tenant, String route, int cost) {
    return vertx.eventBus().<JsonObject>request(Addresses.RATELIMIT_CHECK,
            new RateLimitRequest(tenant, route, cost).toJson())
        .map(reply -> RateLimitDecision.fromJson(reply.body()));
  }
}
