package dev.wfgateway.workflow;

import dev.wfgateway.common.MetricNames;
import dev.wfgateway.common.messages.RunStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/** The workflow families of DESIGN.md section 8: runs, steps, locks and bulkheads. */
final class WorkflowMetrics {
  private final MeterRegistry registry;
  private final Counter leasesLost;
  /** Meters by their tag values, built once: building one on every run costs a registry lookup. */
  private final Map<List<String>, Timer> runTimers = new ConcurrentHashMap<>();
  private final Map<List<String>, Timer> stepTimers = new ConcurrentHashMap<>();
  private final Map<List<String>, Timer> lockTimers = new ConcurrentHashMap<>();
  private final Map<String, Counter> contention = new ConcurrentHashMap<>();

  WorkflowMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.leasesLost = Counter.builder("platform.lock.leases.lost")
        .description("Lock leases that could not be renewed; their runs were dead-lettered with lock_lost")
        .register(registry);
  }

  Counter leasesLost() {
    return leasesLost;
  }

  void runEnded(String tenant, String workflow, RunStatus status, long nanos) {
    runTimers.computeIfAbsent(List.of(tenant, workflow, status.wire()), tags -> Timer.builder(MetricNames.RUN_DURATION)
        .description("Run duration from admission to its end, by outcome")
        .tags("tenant", tenant, "workflow", workflow, "outcome", status.wire())
        .publishPercentileHistogram()
        .publishPercentiles(0.99)
        .register(registry)).record(nanos, TimeUnit.NANOSECONDS);
  }

  void stepEnded(String workflow, String step, boolean succeeded, long nanos) {
    String outcome = succeeded ? "succeeded" : "failed";
    stepTimers.computeIfAbsent(List.of(workflow, step, outcome), tags -> Timer.builder("platform.step.duration")
        .description("Step duration including retries, by outcome")
        .tags("workflow", workflow, "step", step, "outcome", outcome)
        .register(registry)).record(nanos, TimeUnit.NANOSECONDS);
  }

  void lockAcquired(String tenant, long waitNanos, boolean acquired) {
    String outcome = acquired ? "acquired" : "refused";
    lockTimers.computeIfAbsent(List.of(tenant, outcome), tags -> Timer.builder("platform.lock.acquire")
        .description("Time spent acquiring a run lock, by outcome")
        .tags("tenant", tenant, "outcome", outcome)
        .register(registry)).record(waitNanos, TimeUnit.NANOSECONDS);
    if (waitNanos > TimeUnit.MILLISECONDS.toNanos(5) || !acquired) {
      contention.computeIfAbsent(tenant, t -> Counter.builder("platform.lock.contention")
          .description("Lock acquisitions that had to wait or gave up").tags("tenant", t).register(registry))
          .increment();
    }
  }

  void bulkheadRegistered(String tenant, TenantBulkhead bulkhead) {
    Gauge.builder("platform.bulkhead.active", bulkhead, TenantBulkhead::active)
        .description("Runs executing now in the tenant's bulkhead on this node").tags("tenant", tenant)
        .register(registry);
    Gauge.builder(MetricNames.BULKHEAD_QUEUED, bulkhead, TenantBulkhead::queued)
        .description("Runs waiting for a slot in the tenant's bulkhead on this node").tags("tenant", tenant)
        .register(registry);
    io.micrometer.core.instrument.FunctionCounter.builder("platform.bulkhead.rejected", bulkhead,
            TenantBulkhead::rejected)
        .description("Runs refused with 429 because the tenant's bulkhead was full").tags("tenant", tenant)
        .register(registry);
  }
}
