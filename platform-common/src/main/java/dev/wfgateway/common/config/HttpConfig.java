package dev.wfgateway.common.config;

import io.vertx.core.json.JsonObject;
import java.time.Duration;

public record HttpConfig(String host, int port, long maxBodyBytes, Duration idleTimeout, boolean publicMetrics) {
  static HttpConfig read(ConfigReader r, JsonObject json) {
    return new HttpConfig(
        r.string(json, "host", "http.host", "0.0.0.0"),
        (int) r.number(json, "port", "http.port", 8080, 0),
        r.number(json, "maxBodyBytes", "http.maxBodyBytes", 1_048_576, 1),
        r.duration(json, "idleTimeout", "http.idleTimeout", Duration.ofSeconds(60)),
        r.bool(json, "publicMetrics", "http.publicMetrics", true));
  }
}
