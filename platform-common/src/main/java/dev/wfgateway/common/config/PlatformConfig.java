package dev.wfgateway.common.config;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The whole platform configuration (DESIGN.md section 7), validated. Every verticle receives the
 * same JSON as its deployment config and reads it with {@link #fromJson}.
 */
public record PlatformConfig(
    HttpConfig http,
    RedisConfig redis,
    String adminTokenSha256,
    List<String> verticles,
    Map<String, TenantConfig> tenants,
    Map<String, WorkflowDefinition> workflows,
    Map<String, CircuitBreakerConfig> circuitBreakers,
    DlqConfig dlq,
    RunsConfig runs,
    ScalingConfig scaling,
    ClusterConfig cluster,
    Duration reloadInterval,
    boolean demo) {

  public static final List<String> ALL_VERTICLES = List.of("gateway", "ratelimit", "workflow", "dlq");
  /** Tenant and workflow names: safe as file names, Redis key parts and URL segments. */
  public static final Pattern NAME = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$");
  private static final Pattern SHA256 = Pattern.compile("^[0-9a-f]{64}$");
  /** Limits for tenants (and routes) that configure none: generous enough for a demo, never unlimited. */
  public static final Map<String, List<RatePolicy>> BUILT_IN_LIMITS = Map.of(
      "submit", List.of(new RatePolicy("burst", 20, Duration.ofSeconds(1)),
          new RatePolicy("sustained", 1000, Duration.ofMinutes(15))),
      "read", List.of(new RatePolicy("reads", 100, Duration.ofSeconds(1))),
      "admin", List.of(new RatePolicy("admin", 20, Duration.ofSeconds(1))));
  /** How often a node started with {@code --conf} re-reads the file; zero turns that off. */
  public static final Duration DEFAULT_RELOAD_INTERVAL = Duration.ofSeconds(10);

  public boolean redisBackend() {
    return redis != null;
  }

  public boolean runs(String verticle) {
    return verticles.contains(verticle);
  }

  public static PlatformConfig fromJson(JsonObject json) {
    ConfigReader r = new ConfigReader(json);
    HttpConfig http = HttpConfig.read(r, r.object(json, "http", "http"));
    RedisConfig redis = r.has(json, "redis") ? RedisConfig.read(r, r.object(json, "redis", "redis")) : null;
    String adminSha = r.string(r.object(json, "admin", "admin"), "tokenSha256", "admin.tokenSha256", null);
    if (adminSha != null && !SHA256.matcher(adminSha).matches()) {
      r.problem("admin.tokenSha256", "must be 64 lower-case hex characters (the SHA-256 of the admin token)");
    }
    List<String> verticles = r.has(json, "verticles") ? r.strings(json, "verticles", "verticles") : ALL_VERTICLES;
    for (String v : verticles) {
      if (!ALL_VERTICLES.contains(v)) {
        r.problem("verticles", "unknown verticle '" + v + "' (expected some of " + ALL_VERTICLES + ")");
      }
    }
    Map<String, CircuitBreakerConfig> breakers = new LinkedHashMap<>();
    r.namedSections(json, "circuitBreakers").forEach((name, o) -> breakers.put(name, CircuitBreakerConfig.read(r, name, o)));
    Map<String, WorkflowDefinition> workflows = new LinkedHashMap<>();
    WorkflowReader workflowReader = new WorkflowReader(r, breakers.keySet());
    r.namedSections(json, "workflows").forEach((name, o) -> {
      if (!NAME.matcher(name).matches()) {
        r.problem("workflows." + name, "workflow names use letters, digits, '.', '_' and '-' (at most 64)");
      }
      workflows.put(name, workflowReader.read(name, o));
    });
    JsonObject defaults = r.object(json, "tenantDefaults", "tenantDefaults");
    Map<String, List<RatePolicy>> defaultLimits = !r.has(defaults, "rateLimits") ? BUILT_IN_LIMITS
        : readRateLimits(r, r.entries(defaults, "rateLimits", "tenantDefaults.rateLimits"), "tenantDefaults.rateLimits");
    BulkheadConfig defaultBulkhead = BulkheadConfig.read(r, r.object(defaults, "bulkhead", "tenantDefaults.bulkhead"),
        "tenantDefaults.bulkhead", new BulkheadConfig(16, 64));
    Map<String, TenantConfig> tenants = new LinkedHashMap<>();
    r.namedSections(json, "tenants").forEach((name, o) -> {
      if (!NAME.matcher(name).matches()) {
        r.problem("tenants." + name, "tenant names use letters, digits, '.', '_' and '-' (at most 64)");
      }
      tenants.put(name, readTenant(r, name, o, defaultLimits, defaultBulkhead, workflows.keySet()));
    });
    DlqConfig dlq = DlqConfig.read(r, r.object(json, "dlq", "dlq"));
    RunsConfig runs = RunsConfig.read(r, r.object(json, "runs", "runs"));
    ScalingConfig scaling = ScalingConfig.read(r, r.object(json, "scaling", "scaling"));
    ClusterConfig cluster = ClusterConfig.read(r, r.object(json, "cluster", "cluster"));
    Duration reloadInterval = r.durationOrZero(r.object(json, "reload", "reload"), "interval", "reload.interval",
        DEFAULT_RELOAD_INTERVAL);
    boolean demo = r.bool(json, "demo", "demo", false);
    r.unknownKeys();
    if (!r.problems().isEmpty()) {
      throw new ConfigException(r.problems());
    }
    return new PlatformConfig(http, redis, adminSha, List.copyOf(verticles), Map.copyOf(tenants),
        Map.copyOf(workflows), Map.copyOf(breakers), dlq, runs, scaling, cluster, reloadInterval, demo);
  }

  private static Map<String, List<RatePolicy>> readRateLimits(ConfigReader r, JsonObject json, String path) {
    Map<String, List<RatePolicy>> out = new LinkedHashMap<>();
    json.forEach(e -> {
      String routePath = path + "." + e.getKey();
      if (!(e.getValue() instanceof io.vertx.core.json.JsonArray)) {
        r.problem(routePath, "must be a list of {name, limit, window}");
        return;
      }
      List<RatePolicy> policies = r.objects(json, e.getKey(), routePath, (o, p) -> RatePolicy.read(r, o, p));
      Set<String> names = new HashSet<>();
      for (RatePolicy p : policies) {
        if (p.name() != null && !names.add(p.name())) {
          r.problem(routePath, "policy name '" + p.name() + "' appears twice");
        }
      }
      out.put(e.getKey(), List.copyOf(policies));
    });
    return out;
  }

  private static TenantConfig readTenant(ConfigReader r, String name, JsonObject json,
      Map<String, List<RatePolicy>> defaultLimits, BulkheadConfig defaultBulkhead, Set<String> workflowNames) {
    String p = "tenants." + name;
    List<ApiKey> keys = r.objects(json, "keys", p + ".keys", (o, kp) -> {
      String id = r.requiredString(o, "id", kp + ".id");
      String sha = r.requiredString(o, "sha256", kp + ".sha256");
      if (sha != null && !SHA256.matcher(sha).matches()) {
        r.problem(kp + ".sha256", "must be 64 lower-case hex characters (the SHA-256 of the key)");
      }
      Instant expires = null;
      String expiresText = r.string(o, "expiresAt", kp + ".expiresAt", null);
      if (expiresText != null) {
        try {
          expires = Instant.parse(expiresText);
        } catch (DateTimeParseException ex) {
          r.problem(kp + ".expiresAt", "must be an ISO-8601 instant such as 2027-01-01T00:00:00Z");
        }
      }
      return new ApiKey(id, sha, expires);
    });
    Map<String, List<RatePolicy>> limits = new LinkedHashMap<>(defaultLimits);
    limits.putAll(readRateLimits(r, r.entries(json, "rateLimits", p + ".rateLimits"), p + ".rateLimits"));
    BulkheadConfig bulkhead = BulkheadConfig.read(r, r.object(json, "bulkhead", p + ".bulkhead"), p + ".bulkhead",
        defaultBulkhead);
    Set<String> allowed = null;
    if (r.has(json, "workflows")) {
      allowed = Set.copyOf(r.strings(json, "workflows", p + ".workflows"));
      for (String w : allowed) {
        if (!workflowNames.contains(w)) {
          r.problem(p + ".workflows", "unknown workflow '" + w + "'");
        }
      }
    }
    return new TenantConfig(name, keys, Set.copyOf(r.strings(json, "revokedKeys", p + ".revokedKeys")),
        Map.copyOf(limits), bulkhead, allowed);
  }

  /** The breaker a step uses: its configured settings, or the defaults for a per-target breaker. */
  public CircuitBreakerConfig breakerFor(StepTarget target) {
    CircuitBreakerConfig configured = circuitBreakers.get(target.circuitBreaker());
    return configured != null ? configured : CircuitBreakerConfig.defaults(target.circuitBreaker());
  }
}
