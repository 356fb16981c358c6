package dev.wfgateway.workflow;

import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonObject;

/**
 * One call of one step, or of its compensation ({@code compensation} true): the payload and the
 * headers that travel with it ({@code x-request-id}, {@code traceparent}, {@code x-fencing-token}).
 */
record StepCall(String workflow, String step, boolean compensation, String tenant, String runId, JsonObject payload,
    MultiMap headers) {
}
