package dev.wfgateway.gateway;

import dev.wfgateway.common.MetricNames;
import dev.wfgateway.common.scaling.ScalingDecision;
import dev.wfgateway.common.scaling.ScalingPolicy;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The scaling recommendation over the nodes that run workflows, recomputed on every request and
 * every few seconds for the {@code platform_scaling_desired_replicas} gauge an autoscaler can read.
 */
final class ScalingSignal {
  private final ClusterView cluster;
  private final ScalingPolicy policy;
  private final AtomicInteger desired = new AtomicInteger();

  ScalingSignal(ClusterView cluster, ScalingPolicy policy, MeterRegistry registry) {
    this.cluster = cluster;
    this.policy = policy;
    Gauge.builder(MetricNames.SCALING_DESIRED_REPLICAS, desired, AtomicInteger::get)
        .description("Workflow nodes the scaling policy recommends (see GET /admin/scaling)").register(registry);
  }

  Future<ScalingDecision> decide() {
    return cluster.reports("workflow")
        .map(reports -> policy.decide(ScalingPolicy.Inputs.of(reports)))
        .onSuccess(decision -> desired.set(decision.desiredReplicas()));
  }
}
