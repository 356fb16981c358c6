package dev.wfgateway.common;

/** Event-bus addresses of the public contract (DESIGN.md section 3). */
public final class Addresses {
  public static final String RATELIMIT_CHECK = "platform.ratelimit.check";
  public static final String WORKFLOW_SUBMIT = "platform.workflow.submit";
  public static final String WORKFLOW_STATUS = "platform.workflow.status";
  public static final String DLQ_ADD = "platform.dlq.add";
  public static final String DLQ_QUERY = "platform.dlq.query";
  public static final String DLQ_RETRY = "platform.dlq.retry";
  public static final String DLQ_DELETE = "platform.dlq.delete";
  public static final String DLQ_STATS = "platform.dlq.stats";
  public static final String EVENTS_RUN = "platform.events.run";
  public static final String EVENTS_CIRCUIT = "platform.events.circuit";

  /** Beyond the contract: {@code <this>.<nodeId>} lists that node's circuit breakers (request / reply). */
  public static final String WORKFLOW_BREAKERS = "platform.workflow.breakers";
  /**
   * Beyond the contract: {@code {name, tenant?}} published to close, on every node, every tenant's
   * breaker of that name, or only that tenant's.
   */
  public static final String WORKFLOW_BREAKERS_RESET = "platform.workflow.breakers.reset";

  /**
   * Beyond the contract: {@code {}} answers {@code {store: up|degraded|down, unreachableTenants,
   * draining}}, whether the workflow node that takes it can serve runs (the readiness check).
   */
  public static final String WORKFLOW_READY = "platform.workflow.ready";

  /**
   * Beyond the contract: {@code <submit or status address>.<nodeId>} reaches that node's workflow
   * verticle only, so that a gateway knows where its request went (and can resend it when that
   * node leaves the cluster).
   */
  public static String onNode(String address, String nodeId) {
    return address + "." + nodeId;
  }

  private Addresses() {
  }
}
