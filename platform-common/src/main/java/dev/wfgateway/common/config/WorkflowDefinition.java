package dev.wfgateway.common.config;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

/**
 * A workflow as configuration defines it; {@code inputSchema} and {@code lock} are optional (null).
 * {@code version} is the configured label, or a hash of the definition when it has none.
 */
public record WorkflowDefinition(String name, String version, JsonObject inputSchema, LockConfig lock,
    Duration timeout, List<StepDefinition> steps) {

  /** {@code key} is a JSON Pointer into the run's input; {@code maxWait} bounds a contended acquisition. */
  public record LockConfig(String key, Duration ttl, Duration maxWait) {
  }

  public WorkflowDefinition {
    steps = List.copyOf(steps);
  }

  /** Every step that makes a call, in definition order: the top-level calls and every group's branches. */
  public Stream<StepDefinition> calls() {
    return steps.stream().flatMap(s -> s.parallel() ? s.branches().stream() : Stream.of(s));
  }
}
