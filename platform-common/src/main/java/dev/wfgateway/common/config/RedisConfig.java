package dev.wfgateway.common.config;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;

/**
 * Present only when the redis backend is configured. {@code type}: standalone, cluster or sentinel;
 * {@code endpoints}: the server, the cluster's seed nodes or the sentinels ({@code url} is one
 * endpoint and, when given, replaces them: that is how {@code REDIS_URL} overrides a file);
 * {@code masterName}: the sentinels' name of the master; {@code tls}: how to trust
 * {@code rediss://} endpoints (absent: the JVM's trusted CAs, hostname checked).
 */
public record RedisConfig(String type, List<String> endpoints, String masterName, TlsConfig tls,
    Duration commandTimeout, int maxPoolSize) {

  public static final String DEFAULT_MASTER_NAME = "mymaster";

  /** One standalone server, with default settings otherwise. */
  public static RedisConfig standalone(String url, Duration commandTimeout, int maxPoolSize) {
    return new RedisConfig("standalone", List.of(url), DEFAULT_MASTER_NAME, null, commandTimeout, maxPoolSize);
  }

  static RedisConfig read(ConfigReader r, JsonObject json) {
    String type = r.string(json, "type", "redis.type", "standalone");
    if (!List.of("standalone", "cluster", "sentinel").contains(type)) {
      r.problem("redis.type", "must be standalone, cluster or sentinel");
    }
    List<String> listed = r.strings(json, "endpoints", "redis.endpoints");
    String url = r.string(json, "url", "redis.url", null);
    List<String> endpoints = url != null ? List.of(url) : listed;
    if (endpoints.isEmpty()) {
      r.problem("redis", "needs url or endpoints");
    }
    for (String endpoint : endpoints) {
      if (!endpoint.startsWith("redis://") && !endpoint.startsWith("rediss://")) {
        r.problem(url != null ? "redis.url" : "redis.endpoints", "'" + redacted(endpoint)
            + "' must start with redis:// or rediss://");
      }
    }
    String masterName = r.string(json, "masterName", "redis.masterName", DEFAULT_MASTER_NAME);
    if (!"sentinel".equals(type) && r.has(json, "masterName")) {
      r.problem("redis.masterName", "applies to type: sentinel only");
    }
    TlsConfig tls = null;
    if (r.has(json, "tls")) {
      tls = TlsConfig.read(r, r.object(json, "tls", "redis.tls"), "redis.tls", TlsConfig.Needs.CLIENT);
      if (endpoints.stream().anyMatch(e -> !e.startsWith("rediss://"))) {
        r.problem("redis.tls", "needs rediss:// endpoints");
      }
    }
    return new RedisConfig(type, endpoints, masterName, tls,
        r.duration(json, "commandTimeout", "redis.commandTimeout", Duration.ofSeconds(1)),
        (int) r.number(json, "maxPoolSize", "redis.maxPoolSize", 16, 1));
  }

  /** An endpoint without the password it may carry, for messages. */
  private static String redacted(String endpoint) {
    return endpoint.replaceAll("//[^@/]*@", "//***@");
  }

  public boolean usesTls() {
    return endpoints.stream().anyMatch(e -> e.startsWith("rediss://"));
  }
}
