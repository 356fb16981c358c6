package dev.wfgateway.common.config;

import io.vertx.core.json.JsonObject;
import java.time.Duration;

/**
 * How long run records and completed idempotency records are kept, how long a stopping node
 * lets runs in progress finish before dead-lettering them, and where the local backend journals
 * its run records.
 */
public record RunsConfig(Duration retention, Duration idempotencyRetention, Duration shutdownGrace,
    String journalDir) {
  static RunsConfig read(ConfigReader r, JsonObject json) {
    return new RunsConfig(r.duration(json, "retention", "runs.retention", Duration.ofDays(1)),
        r.duration(json, "idempotencyRetention", "runs.idempotencyRetention", Duration.ofHours(24)),
        r.duration(json, "shutdownGrace", "runs.shutdownGrace", Duration.ofSeconds(10)),
        r.string(json, "journalDir", "runs.journalDir", "./data/runs"));
  }
}
