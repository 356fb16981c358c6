package dev.wfgateway.gateway;

import dev.wfgateway.common.Headers;
import dev.wfgateway.common.ProblemException;
import dev.wfgateway.common.service.Endpoint;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;

/** Requests to the platform's services on the event bus, carrying the request id and trace context. */
final class PlatformServices {
  static final String REQUEST_ID_KEY = "requestId";

  private final ServiceNodes serviceNodes;

  PlatformServices(ServiceNodes serviceNodes) {
    this.serviceNodes = serviceNodes;
  }

  Future<JsonObject> request(RoutingContext ctx, String address, JsonObject body, Duration timeout) {
    return serviceNodes.request(address, body, options(ctx, timeout, Map.of())).map(reply -> (JsonObject) reply.body());
  }

  /** A request to a typed service's {@code endpoint}; {@code headers} travel with it. */
  <Q, R> Future<R> call(RoutingContext ctx, Endpoint<Q, R> endpoint, Q body, Duration timeout,
      Map<String, String> headers) {
    return endpoint.request(serviceNodes, body, options(ctx, timeout, headers));
  }

  private static DeliveryOptions options(RoutingContext ctx, Duration timeout, Map<String, String> headers) {
    DeliveryOptions options = new DeliveryOptions().setSendTimeout(timeout.toMillis());
    headers.forEach(options::addHeader);
    String requestId = ctx.get(REQUEST_ID_KEY);
    if (requestId != null) {
      options.addHeader(Headers.REQUEST_ID, requestId);
    }
    String traceparent = ctx.request().getHeader(Headers.TRACEPARENT);
    if (traceparent != null) {
      options.addHeader(Headers.TRACEPARENT, traceparent);
    }
    return options;
  }

  /** Answers the service's reply as the response body with {@code status}, or its problem. */
  void forward(RoutingContext ctx, String address, JsonObject body, Duration timeout, int status) {
    call(ctx, address, body, timeout, reply -> ctx.response().setStatusCode(status)
        .putHeader("Content-Type", "application/json").end(reply.encode()));
  }

  /** Hands the service's reply to {@code onReply}; a failure, or a problem it throws, becomes the response. */
  void call(RoutingContext ctx, String address, JsonObject body, Duration timeout, Consumer<JsonObject> onReply) {
    request(ctx, address, body, timeout)
        .onSuccess(answering(ctx, onReply))
        .onFailure(e -> ProblemResponses.fail(ctx, e));
  }

  /**
   * {@code onReply} as a handler that always answers: a problem it throws as itself, anything else
   * (a reply that cannot be encoded, say) through the router's failure handler as a 500, never a
   * request left hanging.
   */
  static <T> Handler<T> answering(RoutingContext ctx, Consumer<T> onReply) {
    return reply -> {
      try {
        onReply.accept(reply);
      } catch (ProblemException e) {
        ProblemResponses.send(ctx, e.problem());
      } catch (RuntimeException e) {
        ctx.fail(e);
      }
    };
  }
}
