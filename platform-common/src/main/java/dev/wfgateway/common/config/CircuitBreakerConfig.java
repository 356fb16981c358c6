package dev.wfgateway.common.config;

import io.vertx.core.json.JsonObject;
import java.time.Duration;

/** A failure-rate breaker: opens when at least {@code minimumCalls} in {@code window} fail at {@code failureRateThreshold} or more. */
public record CircuitBreakerConfig(String name, double failureRateThreshold, int minimumCalls, Duration window,
    Duration openFor, int halfOpenCalls, Duration slowCallDuration, double slowCallRateThreshold) {

  public static CircuitBreakerConfig defaults(String name) {
    return new CircuitBreakerConfig(name, 0.5, 20, Duration.ofSeconds(60), Duration.ofSeconds(30), 5, null, 1.0);
  }

  static CircuitBreakerConfig read(ConfigReader r, String name, JsonObject json) {
    String p = "circuitBreakers." + name;
    CircuitBreakerConfig d = defaults(name);
    Duration slow = json.containsKey("slowCallDuration")
        ? r.duration(json, "slowCallDuration", p + ".slowCallDuration", null) : null;
    return new CircuitBreakerConfig(name,
        r.decimal(json, "failureRateThreshold", p + ".failureRateThreshold", d.failureRateThreshold(), 0.01, 1.0),
        (int) r.number(json, "minimumCalls", p + ".minimumCalls", d.minimumCalls(), 1),
        r.duration(json, "window", p + ".window", d.window()),
        r.duration(json, "openFor", p + ".openFor", d.openFor()),
        (int) r.number(json, "halfOpenCalls", p + ".halfOpenCalls", d.halfOpenCalls(), 1),
        slow,
        r.decimal(json, "slowCallRateThreshold", p + ".slowCallRateThreshold", d.slowCallRateThreshold(), 0.01, 1.0));
  }
}
