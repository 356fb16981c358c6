package dev.wfgateway.common;

/** Meter names other modules read back (Micrometer dotted names; Prometheus shows them with underscores). */
public final class MetricNames {
  public static final String RUN_DURATION = "platform.run.duration";
  public static final String BULKHEAD_QUEUED = "platform.bulkhead.queued";
  public static final String CIRCUIT_STATE = "platform.circuit.state";
  public static final String SCALING_DESIRED_REPLICAS = "platform.scaling.desired.replicas";

  private MetricNames() {
  }
}
