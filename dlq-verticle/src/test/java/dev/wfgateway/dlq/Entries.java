package dev.wfgateway.dlq;

import dev.wfgateway.common.messages.DlqEntry;
import io.vertx.core.json.JsonObject;

/** DLQ entries for tests: the JSON another service sends, and the record. */
final class Entries {
  private Entries() {
  }

  /** An entry as the workflow verticle sends it (no id); its input and error name the run. */
  static JsonObject json(String tenant, String workflow, String reason, String runId) {
    return new JsonObject().put("tenant", tenant).put("workflow", workflow).put("runId", runId)
        .put("input", new JsonObject().put("eventId", "ev-" + runId).put("amount", 42))
        .put("reason", reason)
        .put("error", new JsonObject().put("type", "step-error").put("message", "boom in " + runId)
            .put("step", "score"))
        .put("attempts", 3).put("firstFailedAt", "2025-01-01T00:00:00Z").put("lastFailedAt", "2025-01-01T00:00:05Z")
        .put("source", "http").put("requestId", "req-" + runId).put("redriveCount", 0);
  }

  static DlqEntry entry(String tenant, String workflow, String reason, String runId) {
    return DlqEntry.fromJson(json(tenant, workflow, reason, runId));
  }

  /** {@code levels} objects, each inside the next: {@code {"a":{"a":{}}}} is 3. */
  static JsonObject nestedObjects(int levels) {
    JsonObject value = new JsonObject();
    for (int i = 1; i < levels; i++) {
      value = new JsonObject().put("a", value);
    }
    return value;
  }
}
