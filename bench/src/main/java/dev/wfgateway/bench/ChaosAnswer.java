package dev.wfgateway.bench;

import io.vertx.core.json.JsonObject;

/**
 * One request of a chaos run: when it was sent and answered, and the status and body (null with
 * {@code status} 0 when no answer came: a transport failure).
 */
record ChaosAnswer(long sentNanos, long answeredNanos, int status, JsonObject body) {

  /** The answer the submit asked for: the finished run (200), or for an async submit its acceptance (202). */
  boolean ok() {
    return status == 200 || status == 202;
  }

  String field(String name) {
    return body == null ? null : body.getString(name);
  }
}
