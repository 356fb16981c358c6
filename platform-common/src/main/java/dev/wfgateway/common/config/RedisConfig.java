package dev.wfgateway.common.config;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;

/** Present only when the redis backend is configured. {@code type}: standalone, cluster or sentinel. */
public record RedisConfig(String type, List<String> endpoints, Duration commandTimeout, int maxPoolSize) {
  static RedisConfig read(ConfigReader r, JsonObject json) {
    String type = r.string(json, "type", "redis.type", "standalone");
    if (!List.of("standalone", "cluster", "sentinel").contains(type)) {
      r.problem("redis.type", "must be standalone, cluster or sentinel");
    }
    List<String> endpoints = json.containsKey("endpoints")
        ? r.strings(json, "endpoints", "redis.endpoints")
        : List.of(r.requiredString(json, "url", "redis.url"));
    return new RedisConfig(type, endpoints,
        r.duration(json, "commandTimeout", "redis.commandTimeout", Duration.ofSeconds(1)),
        (int) r.number(json, "maxPoolSize", "redis.maxPoolSize", 16, 1));
  }
}
