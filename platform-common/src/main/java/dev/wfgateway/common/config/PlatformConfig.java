package dev.wfgateway.common.config;

import dev.wfgateway.common.config.StepDefinition.EventBusTarget;
import dev.wfgateway.common.config.StepDefinition.HttpTarget;
import dev.wfgateway.common.config.WorkflowDefinition.LockConfig;
import io.vertx.core.json.JsonObject;
import io.vertx.core.json.pointer.JsonPointer;
import java.net.URI;
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
  private static final Set<String> HTTP_METHODS = Set.of("GET", "POST", "PUT", "PATCH", "DELETE");

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
    r.namedSections(json, "workflows").forEach((name, o) -> {
      if (!NAME.matcher(name).matches()) {
        r.problem("workflows." + name, "workflow names use letters, digits, '.', '_' and '-' (at most 64)");
      }
      workflows.put(name, readWorkflow(r, name, o, breakers.keySet()));
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

  private static WorkflowDefinition readWorkflow(ConfigReader r, String name, JsonObject json, Set<String> breakers) {
    String p = "workflows." + name;
    JsonObject schema = null;
    if (r.has(json, "inputSchema")) {
      schema = r.entries(json, "inputSchema", p + ".inputSchema");
    }
    LockConfig lock = null;
    if (r.has(json, "lock")) {
      JsonObject l = r.object(json, "lock", p + ".lock");
      String key = r.requiredString(l, "key", p + ".lock.key");
      if (key != null && !validPointer(key)) {
        r.problem(p + ".lock.key", "'" + key + "' is not a JSON Pointer into the input (example: /eventId)");
      }
      lock = new LockConfig(key, r.duration(l, "ttl", p + ".lock.ttl", Duration.ofSeconds(30)),
          r.duration(l, "wait", p + ".lock.wait", Duration.ofSeconds(5)));
    }
    Duration timeout = r.duration(json, "timeout", p + ".timeout", Duration.ofSeconds(30));
    List<StepDefinition> steps = r.objects(json, "steps", p + ".steps", (o, sp) -> readStep(r, o, sp, breakers));
    if (steps.isEmpty()) {
      r.problem(p + ".steps", "a workflow needs at least one step");
    }
    Set<String> stepNames = new HashSet<>();
    for (StepDefinition s : steps) {
      if (s.name() != null && !stepNames.add(s.name())) {
        r.problem(p + ".steps", "duplicate step name '" + s.name() + "'");
      }
    }
    return new WorkflowDefinition(name, schema, lock, timeout, steps);
  }

  private static boolean validPointer(String key) {
    if (!key.startsWith("/")) {
      return false;
    }
    try {
      JsonPointer.from(key);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static StepDefinition readStep(ConfigReader r, JsonObject json, String p, Set<String> breakers) {
    String name = r.requiredString(json, "name", p + ".name");
    EventBusTarget eventbus = null;
    HttpTarget http = null;
    String defaultBreaker = null;
    boolean hasEb = r.has(json, "eventbus");
    boolean hasHttp = r.has(json, "http");
    if (hasEb == hasHttp) {
      r.problem(p, "a step needs exactly one of 'eventbus' or 'http'");
    }
    if (hasEb) {
      JsonObject eb = r.object(json, "eventbus", p + ".eventbus");
      String address = r.requiredString(eb, "address", p + ".eventbus.address");
      eventbus = new EventBusTarget(address, r.duration(eb, "timeout", p + ".eventbus.timeout", Duration.ofSeconds(5)));
      defaultBreaker = "eventbus:" + address;
    } else if (hasHttp) {
      JsonObject h = r.object(json, "http", p + ".http");
      String method = r.string(h, "method", p + ".http.method", "POST").toUpperCase(java.util.Locale.ROOT);
      if (!HTTP_METHODS.contains(method)) {
        r.problem(p + ".http.method", "must be one of " + HTTP_METHODS);
      }
      String url = r.requiredString(h, "url", p + ".http.url");
      URI uri = null;
      try {
        uri = url == null ? null : URI.create(url);
      } catch (IllegalArgumentException e) {
        r.problem(p + ".http.url", "is not a URL");
      }
      if (uri != null && (uri.getHost() == null || !List.of("http", "https").contains(uri.getScheme()))) {
        r.problem(p + ".http.url", "must be an absolute http:// or https:// URL");
      }
      Map<String, String> headers = new LinkedHashMap<>();
      r.entries(h, "headers", p + ".http.headers").forEach(e -> headers.put(e.getKey(), String.valueOf(e.getValue())));
      http = new HttpTarget(method, url, Map.copyOf(headers),
          r.duration(h, "timeout", p + ".http.timeout", Duration.ofSeconds(5)));
      defaultBreaker = uri == null ? "http" : "http:" + uri.getHost() + ":" + port(uri);
    }
    RetryPolicy retry = readRetry(r, json, p + ".retry");
    String breaker = r.string(json, "circuitBreaker", p + ".circuitBreaker", null);
    if (breaker != null && !breakers.contains(breaker)) {
      r.problem(p + ".circuitBreaker", "unknown circuit breaker '" + breaker + "' (define it under circuitBreakers)");
    }
    return new StepDefinition(name, eventbus, http, retry, breaker != null ? breaker : defaultBreaker);
  }

  private static int port(URI uri) {
    return uri.getPort() > 0 ? uri.getPort() : ("https".equals(uri.getScheme()) ? 443 : 80);
  }

  private static RetryPolicy readRetry(ConfigReader r, JsonObject step, String p) {
    Object value = r.value(step, "retry");
    if (value == null) {
      return RetryPolicy.PRESETS.get("standard");
    }
    if (value instanceof String preset) {
      RetryPolicy policy = RetryPolicy.PRESETS.get(preset);
      if (policy == null) {
        r.problem(p, "unknown retry preset '" + preset + "' (expected fast, standard, patient, aggressive or none)");
        return RetryPolicy.PRESETS.get("none");
      }
      return policy;
    }
    if (!(value instanceof JsonObject)) {
      r.problem(p, "must be a preset name or {maxAttempts, initialInterval, backoffCoefficient, maximumInterval, jitter}");
      return RetryPolicy.PRESETS.get("none");
    }
    JsonObject o = r.object(step, "retry", p);
    RetryPolicy.Jitter jitter = RetryPolicy.Jitter.FULL;
    String jitterText = r.string(o, "jitter", p + ".jitter", "full");
    try {
      jitter = RetryPolicy.Jitter.valueOf(jitterText.toUpperCase(java.util.Locale.ROOT));
    } catch (IllegalArgumentException e) {
      r.problem(p + ".jitter", "must be full, equal or none");
    }
    Duration initial = r.duration(o, "initialInterval", p + ".initialInterval", Duration.ofMillis(200));
    Duration maximum = r.duration(o, "maximumInterval", p + ".maximumInterval", initial.multipliedBy(100));
    if (maximum.compareTo(initial) < 0) {
      r.problem(p + ".maximumInterval", "must not be shorter than initialInterval");
    }
    return new RetryPolicy((int) r.number(o, "maxAttempts", p + ".maxAttempts", 3, 1), initial,
        r.decimal(o, "backoffCoefficient", p + ".backoffCoefficient", 2.0, 1.0, 100.0), maximum, jitter);
  }

  /** The breaker a step uses: its configured settings, or the defaults for a per-target breaker. */
  public CircuitBreakerConfig breakerFor(StepDefinition step) {
    CircuitBreakerConfig configured = circuitBreakers.get(step.circuitBreaker());
    return configured != null ? configured : CircuitBreakerConfig.defaults(step.circuitBreaker());
  }
}
