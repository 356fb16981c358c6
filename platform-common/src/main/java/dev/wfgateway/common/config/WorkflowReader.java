package dev.wfgateway.common.config;

import dev.wfgateway.common.config.StepTarget.EventBusTarget;
import dev.wfgateway.common.config.StepTarget.HttpTarget;
import dev.wfgateway.common.config.WorkflowDefinition.LockConfig;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads the {@code workflows} section (DESIGN.md sections 7 and 7b), naming every problem of a
 * definition; {@link DefinitionChecks} then checks what relates one step to another.
 */
final class WorkflowReader {
  private static final Set<String> HTTP_METHODS = Set.of("GET", "POST", "PUT", "PATCH", "DELETE");
  private static final Set<String> SCOPE_ROOTS = Set.of("input", "steps");

  private final ConfigReader r;
  private final Set<String> breakers;

  WorkflowReader(ConfigReader r, Set<String> breakers) {
    this.r = r;
    this.breakers = breakers;
  }

  WorkflowDefinition read(String name, JsonObject json) {
    String p = "workflows." + name;
    String version = r.string(json, "version", p + ".version", null);
    if (version != null && (version.isBlank() || version.length() > 64)) {
      r.problem(p + ".version", "must be a label of 1 to 64 characters");
    }
    JsonObject schema = r.has(json, "inputSchema") ? r.entries(json, "inputSchema", p + ".inputSchema") : null;
    LockConfig lock = null;
    if (r.has(json, "lock")) {
      JsonObject l = r.object(json, "lock", p + ".lock");
      String key = r.requiredString(l, "key", p + ".lock.key");
      if (key != null && JsonPointers.tokens(key) == null) {
        r.problem(p + ".lock.key", "'" + key + "' is not a JSON Pointer into the input (example: /eventId)");
      }
      lock = new LockConfig(key, r.duration(l, "ttl", p + ".lock.ttl", Duration.ofSeconds(30)),
          r.duration(l, "wait", p + ".lock.wait", Duration.ofSeconds(5)));
    }
    Duration timeout = r.duration(json, "timeout", p + ".timeout", Duration.ofSeconds(30));
    List<StepDefinition> steps = r.objects(json, "steps", p + ".steps", (o, sp) -> readStep(o, sp, false));
    if (steps.isEmpty()) {
      r.problem(p + ".steps", "a workflow needs at least one step");
    }
    new DefinitionChecks(r, steps).check(p + ".steps");
    return new WorkflowDefinition(name, version != null ? version : hashOf(json), schema, lock, timeout, steps);
  }

  private StepDefinition readStep(JsonObject json, String p, boolean branch) {
    String name = r.requiredString(json, "name", p + ".name");
    int kinds = (r.has(json, "http") ? 1 : 0) + (r.has(json, "eventbus") ? 1 : 0) + (r.has(json, "parallel") ? 1 : 0);
    if (kinds != 1) {
      r.problem(p, branch ? "a parallel branch needs exactly one of 'http' or 'eventbus'"
          : "a step needs exactly one of 'http', 'eventbus' or 'parallel'");
    }
    StepCondition when = r.has(json, "when") ? readCondition(r.object(json, "when", p + ".when"), p + ".when") : null;
    if (r.has(json, "parallel")) {
      if (branch) {
        r.problem(p + ".parallel", "a parallel branch cannot hold a parallel group of its own");
      }
      for (String own : List.of("retry", "compensate", "circuitBreaker", "input")) {
        if (r.has(json, own)) {
          r.problem(p + "." + own, "a parallel group has no '" + own + "' of its own: set it on its branches");
        }
      }
      List<StepDefinition> branches = r.objects(json, "parallel", p + ".parallel", (o, bp) -> readStep(o, bp, true));
      if (branches.isEmpty()) {
        r.problem(p + ".parallel", "a parallel group needs at least one branch");
      }
      return new StepDefinition(name, null, branches, null, when, null, null);
    }
    StepTarget target = readTarget(json, p);
    StepInput input = r.has(json, "input") ? readInput(r.entries(json, "input", p + ".input"), p + ".input") : null;
    StepTarget compensate = null;
    if (r.has(json, "compensate")) {
      JsonObject c = r.object(json, "compensate", p + ".compensate");
      if (r.has(c, "http") == r.has(c, "eventbus")) {
        r.problem(p + ".compensate", "a compensation needs exactly one of 'http' or 'eventbus'");
      }
      compensate = readTarget(c, p + ".compensate");
    }
    return new StepDefinition(name, target, List.of(), readRetry(json, p + ".retry"), when, input, compensate);
  }

  /** The call of a step or a compensation: its {@code http} or {@code eventbus} part and its breaker. */
  private StepTarget readTarget(JsonObject json, String p) {
    EventBusTarget eventbus = null;
    HttpTarget http = null;
    String defaultBreaker = null;
    if (r.has(json, "eventbus")) {
      JsonObject eb = r.object(json, "eventbus", p + ".eventbus");
      String address = r.requiredString(eb, "address", p + ".eventbus.address");
      eventbus = new EventBusTarget(address, r.duration(eb, "timeout", p + ".eventbus.timeout", Duration.ofSeconds(5)));
      defaultBreaker = "eventbus:" + address;
    } else if (r.has(json, "http")) {
      JsonObject h = r.object(json, "http", p + ".http");
      String method = r.string(h, "method", p + ".http.method", "POST").toUpperCase(Locale.ROOT);
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
    String breaker = r.string(json, "circuitBreaker", p + ".circuitBreaker", null);
    if (breaker != null && !breakers.contains(breaker)) {
      r.problem(p + ".circuitBreaker", "unknown circuit breaker '" + breaker + "' (define it under circuitBreakers)");
    }
    return new StepTarget(eventbus, http, breaker != null ? breaker : defaultBreaker);
  }

  private StepCondition readCondition(JsonObject json, String p) {
    String pointer = readPointer(json, p + ".pointer");
    boolean hasEquals = json.containsKey("equals");
    Object equalTo = r.value(json, "equals");
    r.value(json, "exists"); // a known key even when absent, so that a misspelt one lists it
    Boolean exists = json.containsKey("exists") ? r.bool(json, "exists", p + ".exists", true) : null;
    if (hasEquals == (exists != null)) {
      r.problem(p, "needs exactly one of 'equals' or 'exists'");
    }
    return new StepCondition(pointer, equalTo, exists);
  }

  private StepInput readInput(JsonObject json, String p) {
    Map<String, StepInput.Field> fields = new LinkedHashMap<>();
    json.forEach(e -> {
      String fp = p + "." + e.getKey();
      if (e.getValue() instanceof String pointer) {
        fields.put(e.getKey(), new StepInput.Field(checkPointer(pointer, fp), false, null));
      } else if (e.getValue() instanceof JsonObject o && o.containsKey("pointer")) {
        JsonObject field = r.object(json, e.getKey(), fp);
        boolean hasDefault = field.containsKey("default");
        fields.put(e.getKey(), new StepInput.Field(readPointer(field, fp + ".pointer"), hasDefault,
            r.value(field, "default")));
      } else {
        r.problem(fp, "must be a JSON Pointer into {input, steps} (example: /input/orderId) or {pointer, default}");
      }
    });
    return new StepInput(fields);
  }

  private String readPointer(JsonObject json, String p) {
    String pointer = r.requiredString(json, "pointer", p);
    return pointer == null ? null : checkPointer(pointer, p);
  }

  private String checkPointer(String pointer, String p) {
    List<String> tokens = JsonPointers.tokens(pointer);
    if (tokens == null || tokens.isEmpty() || !SCOPE_ROOTS.contains(tokens.get(0))) {
      r.problem(p, "'" + pointer + "' is not a JSON Pointer into {input, steps} (example: /input/orderId)");
    }
    return pointer;
  }

  private static int port(URI uri) {
    return uri.getPort() > 0 ? uri.getPort() : ("https".equals(uri.getScheme()) ? 443 : 80);
  }

  private RetryPolicy readRetry(JsonObject step, String p) {
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
      jitter = RetryPolicy.Jitter.valueOf(jitterText.toUpperCase(Locale.ROOT));
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

  /**
   * The default version: the first 12 hex digits of the SHA-256 of the definition (without its
   * {@code version}) with every mapping's keys sorted, so that reordering a file changes nothing.
   */
  static String hashOf(JsonObject definition) {
    JsonObject unlabelled = definition.copy();
    unlabelled.remove("version");
    return Sha256.hex(canonical(unlabelled)).substring(0, 12);
  }

  private static String canonical(Object value) {
    if (value instanceof JsonObject object) {
      StringBuilder out = new StringBuilder("{");
      new TreeSet<>(object.fieldNames()).forEach(key -> out.append(out.length() > 1 ? "," : "")
          .append(Json.encode(key)).append(':').append(canonical(object.getValue(key))));
      return out.append('}').toString();
    }
    if (value instanceof JsonArray array) {
      StringBuilder out = new StringBuilder("[");
      for (int i = 0; i < array.size(); i++) {
        out.append(i > 0 ? "," : "").append(canonical(array.getValue(i)));
      }
      return out.append(']').toString();
    }
    return Json.encode(value);
  }
}
