package dev.wfgateway.common.config;

import io.vertx.core.json.JsonObject;

/**
 * Targets of the scaling signal: the cluster is sized so that mean CPU, the worst p99 run latency
 * and the queued runs per replica sit at their targets; {@code tolerance} is the dead band around 1.
 */
public record ScalingConfig(int minReplicas, int maxReplicas, double targetCpu, double targetP99Millis,
    int targetQueuedPerReplica, double maxFailureRate, double tolerance) {

  static ScalingConfig read(ConfigReader r, JsonObject json) {
    int min = (int) r.number(json, "minReplicas", "scaling.minReplicas", 1, 1);
    int max = (int) r.number(json, "maxReplicas", "scaling.maxReplicas", 10, 1);
    if (max < min) {
      r.problem("scaling.maxReplicas", "must not be below minReplicas");
    }
    return new ScalingConfig(min, max,
        r.decimal(json, "targetCpu", "scaling.targetCpu", 0.7, 0.05, 1.0),
        r.duration(json, "targetP99", "scaling.targetP99", java.time.Duration.ofSeconds(1)).toMillis(),
        (int) r.number(json, "targetQueuedPerReplica", "scaling.targetQueuedPerReplica", 10, 0),
        r.decimal(json, "maxFailureRate", "scaling.maxFailureRate", 0.5, 0.0, 1.0),
        r.decimal(json, "tolerance", "scaling.tolerance", 0.1, 0.0, 0.5));
  }
}
