package dev.wfgateway.launcher;

import dev.wfgateway.common.MetricNames;
import dev.wfgateway.common.NodeStatus;
import dev.wfgateway.common.config.PlatformConfig;
import dev.wfgateway.common.scaling.NodeReport;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import io.vertx.core.shareddata.LocalMap;
import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

/**
 * Publishes this node's {@link NodeReport} into the cluster-wide node directory every few seconds,
 * with a TTL so that a node that dies drops out by itself. The gateway's {@code /admin/cluster}
 * and {@code /admin/scaling} read the directory.
 */
final class NodeReporter {
  static final long INTERVAL_MILLIS = 5_000;
  private static final long TTL_MILLIS = 3 * INTERVAL_MILLIS;

  private final Vertx vertx;
  private final PlatformConfig config;
  private final MeterRegistry registry;
  private final String nodeId;
  private long timer = -1;
  private long lastRuns;
  private long lastFailed;

  NodeReporter(Vertx vertx, PlatformConfig config, MeterRegistry registry) {
    this.vertx = vertx;
    this.config = config;
    this.registry = registry;
    this.nodeId = NodeStatus.nodeId(vertx);
  }

  Future<Void> start() {
    timer = vertx.setPeriodic(INTERVAL_MILLIS, id -> report());
    return report();
  }

  Future<Void> stop() {
    vertx.cancelTimer(timer);
    return directory().compose(map -> map.remove(nodeId)).mapEmpty();
  }

  private Future<AsyncMap<String, String>> directory() {
    return vertx.sharedData().getAsyncMap(NodeStatus.DIRECTORY);
  }

  private Future<Void> report() {
    NodeReport report = snapshot();
    return directory().compose(map -> map.put(nodeId, report.toJson().encode(), TTL_MILLIS))
        .recover(e -> Future.succeededFuture()); // a missed report only ages the entry
  }

  NodeReport snapshot() {
    LocalMap<String, Object> status = vertx.sharedData().getLocalMap(NodeStatus.MAP);
    JsonObject checks = new JsonObject();
    status.forEach((key, value) -> checks.put(key, value));
    long openBreakers = registry.find(MetricNames.CIRCUIT_STATE).gauges().stream()
        .filter(g -> g.value() == 1.0).count();
    checks.put("openCircuitBreakers", openBreakers);
    boolean ready = !Boolean.FALSE.equals(status.get(NodeStatus.DLQ_WRITABLE));

    long runs = 0;
    long failed = 0;
    double p99 = 0;
    for (Timer timer : registry.find(MetricNames.RUN_DURATION).timers()) {
      runs += timer.count();
      if (!"succeeded".equals(timer.getId().getTag("outcome"))) {
        failed += timer.count();
      }
      for (ValueAtPercentile percentile : timer.takeSnapshot().percentileValues()) {
        if (percentile.percentile() == 0.99) {
          p99 = Math.max(p99, percentile.value(TimeUnit.MILLISECONDS));
        }
      }
    }
    long intervalRuns = runs - lastRuns;
    long intervalFailed = failed - lastFailed;
    lastRuns = runs;
    lastFailed = failed;
    int queued = (int) registry.find(MetricNames.BULKHEAD_QUEUED).gauges().stream().mapToDouble(g -> g.value()).sum();
    return new NodeReport(nodeId, config.verticles(), config.redisBackend() ? "redis" : "local", ready, checks,
        processCpu(), p99, intervalRuns == 0 ? 0 : (double) intervalFailed / intervalRuns, intervalRuns, queued,
        Instant.now().toString());
  }

  private static double processCpu() {
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
      double load = os.getProcessCpuLoad();
      return load < 0 ? 0 : load;
    }
    return 0;
  }
}
