package dev.wfgateway.workflow;

import io.vertx.core.json.JsonObject;

/** A submit's answer: the run record (final for sync, queued for async), and whether it is a replay. */
record Submitted(JsonObject body, boolean replayed) {
}
