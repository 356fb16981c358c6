package dev.wfgateway.workflow;

import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonObject;

/**
 * One attempt of one step: the payload {@code {input, steps}} and the headers that travel with it
 * ({@code x-request-id}, {@code traceparent}, {@code x-fencing-token}).
 */
record StepCall(String workflow, String tenant, String runId, JsonObject payload, MultiMap headers) {
}
