package dev.wfgateway.common.config;

import io.vertx.core.json.JsonObject;
import java.time.Duration;

public record RatePolicy(String name, long limit, Duration window) {
  static RatePolicy read(ConfigReader r, JsonObject json, String path) {
    return new RatePolicy(r.requiredString(json, "name", path + ".name"),
        r.number(json, "limit", path + ".limit", 1, 1),
        r.duration(json, "window", path + ".window", Duration.ofSeconds(1)));
  }
}
