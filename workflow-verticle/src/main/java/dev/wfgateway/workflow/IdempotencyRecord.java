package dev.wfgateway.workflow;

import io.vertx.core.json.JsonObject;

/**
 * What is kept under an Idempotency-Key: the body's fingerprint, the run it started and, once the
 * first response is known, that response ({@code status} and {@code body}) to replay.
 */
record IdempotencyRecord(String fingerprint, String runId, boolean completed, int status, JsonObject body) {

  static IdempotencyRecord inProgress(String fingerprint, String runId) {
    return new IdempotencyRecord(fingerprint, runId, false, 0, null);
  }

  IdempotencyRecord complete(int responseStatus, JsonObject responseBody) {
    return new IdempotencyRecord(fingerprint, runId, true, responseStatus, responseBody);
  }

  String encode() {
    JsonObject json = new JsonObject().put("fingerprint", fingerprint).put("runId", runId).put("completed", completed);
    if (completed) {
      json.put("status", status).put("body", body);
    }
    return json.encode();
  }

  static IdempotencyRecord decode(String text) {
    JsonObject json = new JsonObject(text);
    return new IdempotencyRecord(json.getString("fingerprint"), json.getString("runId"),
        json.getBoolean("completed", false), json.getInteger("status", 0), json.getJsonObject("body"));
  }
}
