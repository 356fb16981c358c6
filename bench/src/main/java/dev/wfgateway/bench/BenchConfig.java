package dev.wfgateway.bench;

import dev.wfgateway.common.config.Sha256;
import dev.wfgateway.launcher.ConfigLoader;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes the YAML the benchmarked node starts with: tenants with high limits (except
 * {@link #LIMITED}, held to {@link #LIMITED_PER_SECOND}), and workflows whose steps call
 * {@link EchoServices}. The API key of tenant {@code t} is {@code t + "-key"}.
 */
final class BenchConfig {
  static final String TENANT = "bench";
  static final String LIMITED = "limited";
  static final String NOISY = "noisy";
  static final int QUIET_TENANTS = 8;
  static final int LIMITED_PER_SECOND = 100;
  static final String EB_ECHO = "eb-echo";
  static final String HTTP_ECHO = "http-echo";
  static final String SLOW_ECHO = "slow-echo";
  static final String CHAOS = "chaos";
  static final String CHAOS_BREAKER = "chaos-downstream";

  private BenchConfig() {
  }

  static String apiKey(String tenant) {
    return tenant + "-key";
  }

  static String quietTenant(long i) {
    return "quiet-" + (i % QUIET_TENANTS + 1);
  }

  /**
   * Writes the YAML into {@code dir} and loads it as the launcher does, with the environment a
   * benchmark node gets: gateway on a free loopback port, DLQ and run journals in {@code dir}, and
   * {@code REDIS_URL} when {@code redisUrl} is not null.
   */
  static Future<JsonObject> load(Vertx vertx, Path dir, int echoPort, String redisUrl) throws IOException {
    Map<String, String> env = new HashMap<>();
    env.put("HTTP_PORT", "0");
    env.put("HTTP_HOST", "127.0.0.1");
    env.put("DLQ_JOURNAL_DIR", dir.resolve("dlq").toString());
    env.put("RUNS_JOURNAL_DIR", dir.resolve("runs").toString());
    if (redisUrl != null) {
      env.put("REDIS_URL", redisUrl);
    }
    return ConfigLoader.load(vertx, write(dir, echoPort).toString(), env);
  }

  static Path write(Path dir, int echoPort) throws IOException {
    List<String> lines = new ArrayList<>(List.of(
        "runs: { retention: 30s, idempotencyRetention: 30s }",
        "dlq: { maxEntriesPerTenant: 1000000 }",
        "tenants:"));
    lines.addAll(tenant(TENANT, "{ name: burst, limit: 1000000, window: 1s }", "{ maxConcurrent: 1024, maxQueued: 4096 }"));
    lines.addAll(tenant(LIMITED, "{ name: burst, limit: " + LIMITED_PER_SECOND + ", window: 1s }",
        "{ maxConcurrent: 1024, maxQueued: 4096 }"));
    // The noisy neighbour may send as fast as it likes, but its bulkhead holds it to a few runs at once:
    // with slow-echo runs (200 ms) it admits about 20 a second.
    lines.addAll(tenant(NOISY, "{ name: burst, limit: 1000000, window: 1s }", "{ maxConcurrent: 4, maxQueued: 8 }"));
    for (int i = 0; i < QUIET_TENANTS; i++) {
      lines.addAll(tenant(quietTenant(i), "{ name: burst, limit: 1000000, window: 1s }",
          "{ maxConcurrent: 64, maxQueued: 256 }"));
    }
    String echo = "http://127.0.0.1:" + echoPort;
    lines.addAll(List.of(
        "workflows:",
        "  " + EB_ECHO + ":",
        "    timeout: 5s",
        "    steps: [ { name: echo, eventbus: { address: " + EchoServices.ECHO_ADDRESS + ", timeout: 2s }, retry: none } ]",
        "  " + HTTP_ECHO + ":",
        "    timeout: 5s",
        "    steps: [ { name: echo, http: { method: POST, url: \"" + echo + EchoServices.ECHO_PATH
            + "\", timeout: 2s }, retry: none } ]",
        "  " + SLOW_ECHO + ":",
        "    timeout: 5s",
        "    steps: [ { name: slow, http: { method: POST, url: \"" + echo + EchoServices.SLOW_PATH
            + "\", timeout: 2s }, retry: none } ]",
        // Locked per /key; its first step records entries per key (duplicates), its second calls the chaos downstream.
        // The run's timeout is shorter than the HTTP step's, so a hanging downstream ends in a 504.
        "  " + CHAOS + ":",
        "    timeout: 1s",
        // A lease long enough that a starved node keeps it (with 2 s, a cold node on 2 busy cores let one lapse
        // before a step, and two runs of one key overlapped); a killed node's locks free themselves within 10 s.
        "    lock: { key: /key, ttl: 10s, wait: 3s }",
        "    steps:",
        "      - { name: record, http: { method: POST, url: \"" + echo + LockedStepRecorder.PATH
            + "\", timeout: 2s }, retry: none }",
        "      - { name: call, http: { method: POST, url: \"" + echo + EchoServices.CHAOS_PATH
            + "\", timeout: 3s }, retry: fast, circuitBreaker: " + CHAOS_BREAKER + " }",
        "circuitBreakers:",
        "  " + CHAOS_BREAKER + ": { failureRateThreshold: 0.5, minimumCalls: 20, window: 10s, openFor: 2s, halfOpenCalls: 3 }",
        ""));
    Path file = dir.resolve("bench-platform.yaml");
    Files.writeString(file, String.join("\n", lines));
    return file;
  }

  private static List<String> tenant(String name, String policy, String bulkhead) {
    return List.of(
        "  " + name + ":",
        "    keys: [ { id: " + name + "-1, sha256: \"" + Sha256.hex(apiKey(name)) + "\" } ]",
        "    rateLimits: { submit: [ " + policy + " ], read: [ { name: reads, limit: 1000000, window: 1s } ] }",
        "    bulkhead: " + bulkhead);
  }
}
