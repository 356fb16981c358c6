package dev.wfgateway.common.config;

import java.time.Duration;
import java.util.Map;

/**
 * What a step (or its compensation) calls: exactly one of {@code eventbus} and {@code http} is set.
 * {@code circuitBreaker} is the breaker's name: the configured one, or the default per address / host.
 */
public record StepTarget(EventBusTarget eventbus, HttpTarget http, String circuitBreaker) {

  public record EventBusTarget(String address, Duration timeout) {
  }

  public record HttpTarget(String method, String url, Map<String, String> headers, Duration timeout) {
  }

  public Duration timeout() {
    return eventbus != null ? eventbus.timeout() : http.timeout();
  }
}
