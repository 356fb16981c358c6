package dev.wfgateway.dlq;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The DLQ's Micrometer meters, one set per tenant (tenants are bounded by configuration). They
 * read the latest figures the store reported ({@link #record}); the counters are the store's
 * totals, so on the redis backend every node shows the cluster-wide numbers.
 */
final class DlqMetrics {
  static final String SIZE = "platform.dlq.size";
  static final String OLDEST_AGE = "platform.dlq.oldest.entry.age.seconds";
  static final String EVICTIONS = "platform.dlq.evictions";
  static final String EXPIRATIONS = "platform.dlq.expirations";
  static final String REDRIVES = "platform.dlq.redrives";

  private final MeterRegistry registry;
  private final Clock clock;
  private final Map<String, AtomicReference<TenantStats>> latest = new HashMap<>();
  private final List<Meter> meters = new ArrayList<>();

  DlqMetrics(MeterRegistry registry, Clock clock) {
    this.registry = registry;
    this.clock = clock;
  }

  void record(Map<String, TenantStats> byTenant) {
    byTenant.forEach((tenant, stats) -> latest.computeIfAbsent(tenant, this::register).set(stats));
  }

  private AtomicReference<TenantStats> register(String tenant) {
    AtomicReference<TenantStats> ref = new AtomicReference<>(new TenantStats(0, null, 0, 0, 0));
    Tags tags = Tags.of("tenant", tenant);
    meters.add(Gauge.builder(SIZE, ref, r -> r.get().size()).tags(tags)
        .description("Entries in the tenant's dead letter queue").register(registry));
    meters.add(Gauge.builder(OLDEST_AGE, ref, r -> r.get().oldestEntryAgeSeconds(clock.millis())).tags(tags)
        .description("Age of the tenant's oldest DLQ entry").register(registry));
    meters.add(FunctionCounter.builder(EVICTIONS, ref, r -> r.get().evictions()).tags(tags)
        .description("DLQ entries evicted because the tenant's queue was full").register(registry));
    meters.add(FunctionCounter.builder(EXPIRATIONS, ref, r -> r.get().expired()).tags(tags)
        .description("DLQ entries dropped after their time to live").register(registry));
    meters.add(FunctionCounter.builder(REDRIVES, ref, r -> r.get().redriven()).tags(tags)
        .description("DLQ entries redriven into a new run").register(registry));
    return ref;
  }

  /** Removes this verticle's meters, so a redeployment registers fresh ones. */
  void close() {
    meters.forEach(registry::remove);
    meters.clear();
    latest.clear();
  }
}
