package dev.wfgateway.common.config;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;

/** A workflow as configuration defines it; {@code inputSchema} and {@code lock} are optional (null). */
public record WorkflowDefinition(String name, JsonObject inputSchema, LockConfig lock, Duration timeout,
    List<StepDefinition> steps) {

  /** {@code key} is a JSON Pointer into the run's input; {@code maxWait} bounds a contended acquisition. */
  public record LockConfig(String key, Duration ttl, Duration maxWait) {
  }
}
