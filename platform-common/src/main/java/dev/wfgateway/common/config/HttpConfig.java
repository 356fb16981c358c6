package dev.wfgateway.common.config;

import dev.wfgateway.common.json.StrictJson;
import io.vertx.core.json.JsonObject;
import java.time.Duration;

/** The gateway's listener; with {@code tls} it serves HTTPS on {@code port}. */
public record HttpConfig(String host, int port, long maxBodyBytes, Duration idleTimeout, boolean publicMetrics,
    int maxJsonDepth, TlsConfig tls) {
  static HttpConfig read(ConfigReader r, JsonObject json) {
    TlsConfig tls = r.has(json, "tls")
        ? TlsConfig.read(r, r.object(json, "tls", "http.tls"), "http.tls", TlsConfig.Needs.SERVER) : null;
    return new HttpConfig(
        r.string(json, "host", "http.host", "0.0.0.0"),
        (int) r.number(json, "port", "http.port", 8080, 0),
        r.number(json, "maxBodyBytes", "http.maxBodyBytes", 1_048_576, 1),
        r.duration(json, "idleTimeout", "http.idleTimeout", Duration.ofSeconds(60)),
        r.bool(json, "publicMetrics", "http.publicMetrics", true),
        maxJsonDepth(r, json),
        tls);
  }

  private static int maxJsonDepth(ConfigReader r, JsonObject json) {
    long depth = r.number(json, "maxJsonDepth", "http.maxJsonDepth", 64, 1);
    if (depth > StrictJson.DEPTH_CEILING) {
      r.problem("http.maxJsonDepth", "must be at most " + StrictJson.DEPTH_CEILING
          + " (records wrap the input, and JSON deeper than 1000 levels cannot be written)");
    }
    return (int) depth;
  }
}
