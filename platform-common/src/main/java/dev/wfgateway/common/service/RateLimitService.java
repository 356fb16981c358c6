package dev.wfgateway.common.service;

import dev.wfgateway.common.Addresses;
import dev.wfgateway.common.messages.RateLimitDecision;
import dev.wfgateway.common.messages.RateLimitRequest;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.List;

/** The rate limiter: {@code platform.ratelimit.check}. */
public interface RateLimitService {
  Endpoint<RateLimitRequest, RateLimitDecision> CHECK = new Endpoint<>(Addresses.RATELIMIT_CHECK,
      RateLimitRequest.CODEC, RateLimitDecision.CODEC);

  Future<RateLimitDecision> check(RateLimitRequest request);

  /** Serves {@code service} at the contract address and at this node's own address. */
  static List<MessageConsumer<Object>> bind(EventBus bus, String nodeId, RateLimitService service) {
    MessageCodecs.register(bus);
    return CHECK.serveWithNodeAddress(bus, nodeId, (request, headers) -> service.check(request));
  }
}
