package dev.wfgateway.common.config;

import io.vertx.core.json.JsonObject;
import java.time.Duration;

public record DlqConfig(int maxEntriesPerTenant, Duration ttl, Duration cleanupInterval, String journalDir,
    int redriveRatePerSecond) {
  static DlqConfig read(ConfigReader r, JsonObject json) {
    return new DlqConfig((int) r.number(json, "maxEntriesPerTenant", "dlq.maxEntriesPerTenant", 10_000, 1),
        r.duration(json, "ttl", "dlq.ttl", Duration.ofDays(7)),
        r.duration(json, "cleanupInterval", "dlq.cleanupInterval", Duration.ofHours(1)),
        r.string(json, "journalDir", "dlq.journalDir", "./data/dlq"),
        (int) r.number(json, "redriveRatePerSecond", "dlq.redriveRatePerSecond", 50, 1));
  }
}
