package dev.wfgateway.common.service;

import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;

/** Sends a request on the event bus: the bus itself, or a sender that chooses the node (the gateway's). */
@FunctionalInterface
public interface Requester {
  Future<Message<Object>> request(String address, Object body, DeliveryOptions options);

  static Requester of(EventBus bus) {
    return bus::request;
  }
}
