package dev.wfgateway.workflow;

import dev.wfgateway.common.messages.SubmitRunRequest;
import io.vertx.core.json.JsonObject;

/**
 * What the active-run registry keeps for a run: the node that owns it, the request that started it
 * (so a survivor can start it again), its trace context, and the node it was adopted from.
 */
record ActiveRunEntry(String node, SubmitRunRequest request, String traceparent, String adoptedFrom) {
  String encode() {
    JsonObject json = new JsonObject().put("node", node).put("request", request.toJson()).put("traceparent", traceparent);
    if (adoptedFrom != null) {
      json.put("adoptedFrom", adoptedFrom);
    }
    return json.encode();
  }

  static ActiveRunEntry decode(String text) {
    JsonObject json = new JsonObject(text);
    return new ActiveRunEntry(json.getString("node"), SubmitRunRequest.fromJson(json.getJsonObject("request")),
        json.getString("traceparent"), json.getString("adoptedFrom"));
  }
}
