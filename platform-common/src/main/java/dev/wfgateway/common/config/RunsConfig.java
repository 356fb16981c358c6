package dev.wfgateway.common.config;

import io.vertx.core.json.JsonObject;
import java.time.Duration;

/** How long run records and completed idempotency records are kept. */
public record RunsConfig(Duration retention, Duration idempotencyRetention) {
  static RunsConfig read(ConfigReader r, JsonObject json) {
    return new RunsConfig(r.duration(json, "retention", "runs.retention", Duration.ofDays(1)),
        r.duration(json, "idempotencyRetention", "runs.idempotencyRetention", Duration.ofHours(24)));
  }
}
