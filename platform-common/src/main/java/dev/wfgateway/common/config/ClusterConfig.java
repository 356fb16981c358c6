package dev.wfgateway.common.config;

import io.vertx.core.json.JsonObject;

/**
 * The clustered event bus. With {@code tls}, nodes talk mutual TLS: each presents its certificate
 * and accepts only peers whose certificate {@code caPem} signed.
 */
public record ClusterConfig(TlsConfig tls) {
  static ClusterConfig read(ConfigReader r, JsonObject json) {
    return new ClusterConfig(r.has(json, "tls")
        ? TlsConfig.read(r, r.object(json, "tls", "cluster.tls"), "cluster.tls", TlsConfig.Needs.MUTUAL) : null);
  }
}
