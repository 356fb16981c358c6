package dev.wfgateway.common.scaling;

import dev.wfgateway.common.config.ScalingConfig;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Locale;

/**
 * A deterministic replica recommendation in the manner of Kubernetes' HPA: for each figure, the
 * ratio of its cluster value to its target; the largest ratio scales the current replica count
 * (ceil), within a tolerance band and the min/max bounds. A high failure rate never scales up
 * (more replicas do not heal a failing downstream) and blocks scaling down. Same input, same answer.
 */
public final class ScalingPolicy {
  private final ScalingConfig config;

  public ScalingPolicy(ScalingConfig config) {
    this.config = config;
  }

  /** The cluster's figures: mean CPU, worst p99, run-weighted failure rate, total queued runs. */
  public record Inputs(int replicas, double cpu, double p99RunMillis, double failureRate, long bulkheadQueued) {
    public JsonObject toJson() {
      return new JsonObject().put("replicas", replicas).put("cpu", cpu).put("p99RunMillis", p99RunMillis)
          .put("failureRate", failureRate).put("bulkheadQueued", bulkheadQueued);
    }

    /** Aggregates the reports of the nodes that run workflows (the ones that scale). */
    public static Inputs of(List<NodeReport> reports) {
      if (reports.isEmpty()) {
        return new Inputs(0, 0, 0, 0, 0);
      }
      double cpu = reports.stream().mapToDouble(NodeReport::cpu).average().orElse(0);
      double p99 = reports.stream().mapToDouble(NodeReport::p99RunMillis).max().orElse(0);
      long runs = reports.stream().mapToLong(NodeReport::runs).sum();
      double failures = reports.stream().mapToDouble(r -> r.failureRate() * r.runs()).sum();
      long queued = reports.stream().mapToLong(NodeReport::bulkheadQueued).sum();
      return new Inputs(reports.size(), cpu, p99, runs == 0 ? 0 : failures / runs, queued);
    }
  }

  public ScalingDecision decide(Inputs in) {
    int current = Math.max(in.replicas(), 0);
    JsonObject inputs = in.toJson();
    if (current < config.minReplicas()) {
      return decision(current, config.minReplicas(), "below minReplicas " + config.minReplicas(), inputs);
    }
    if (current > config.maxReplicas()) {
      return decision(current, config.maxReplicas(), "above maxReplicas " + config.maxReplicas(), inputs);
    }
    double cpuRatio = in.cpu() / config.targetCpu();
    double latencyRatio = in.p99RunMillis() / config.targetP99Millis();
    double queueRatio = config.targetQueuedPerReplica() <= 0 ? 0
        : (double) in.bulkheadQueued() / (config.targetQueuedPerReplica() * current);
    String figure = "cpu";
    double ratio = cpuRatio;
    if (latencyRatio > ratio) {
      figure = "p99 run latency";
      ratio = latencyRatio;
    }
    if (queueRatio > ratio) {
      figure = "bulkhead queue depth";
      ratio = queueRatio;
    }
    String why = String.format(Locale.ROOT, "%s at %.0f%% of its target", figure, ratio * 100);
    if (Math.abs(ratio - 1.0) <= config.tolerance()) {
      return decision(current, current, why + " (within tolerance)", inputs);
    }
    int desired = clamp((int) Math.ceil(current * ratio));
    boolean failing = in.failureRate() >= config.maxFailureRate();
    if (failing && desired != current) {
      return decision(current, current, String.format(Locale.ROOT,
          "holding: failure rate %.0f%% is a downstream problem that replicas do not fix", in.failureRate() * 100),
          inputs);
    }
    return decision(current, desired, why, inputs);
  }

  private int clamp(int replicas) {
    return Math.max(config.minReplicas(), Math.min(config.maxReplicas(), replicas));
  }

  private static ScalingDecision decision(int current, int desired, String reason, JsonObject inputs) {
    String action = desired > current ? "scale_up" : desired < current ? "scale_down" : "none";
    return new ScalingDecision(action, current, desired, reason, inputs);
  }
}
