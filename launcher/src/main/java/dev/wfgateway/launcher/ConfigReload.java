package dev.wfgateway.launcher;

import dev.wfgateway.common.config.ConfigException;
import dev.wfgateway.common.config.PlatformConfig;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a configuration re-read from the {@code --conf} file changes on a running node, decided
 * before anything is handed over: the file is parsed once and is taken whole or refused whole.
 *
 * <p>A reload applies the keys, revocations and expiries, the admin token, the workflow
 * definitions (added, changed, removed), each tenant's {@code workflows} allow-list and the
 * {@code circuitBreakers} (breakers created from then on take the new policy). Adding or removing
 * a tenant, or demo mode, is refused: a tenant's limits, bulkhead and stores live in the other
 * verticles. Every other change is reported as needing a restart and otherwise left alone.
 */
final class ConfigReload {
  private static final Set<String> RELOADED_SECTIONS = Set.of("admin", "workflows", "circuitBreakers");
  private static final Set<String> RELOADED_TENANT_KEYS = Set.of("keys", "revokedKeys", "workflows");

  /** Thrown when a valid configuration changes what only a restart can. */
  static final class NeedsRestart extends RuntimeException {
    NeedsRestart(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * The configuration to apply, and the settings it changes that only a restart applies (empty
   * when none), as paths such as {@code http} or {@code tenants.acme.rateLimits}.
   */
  record Plan(PlatformConfig next, List<String> needingRestart) {
  }

  private ConfigReload() {
  }

  /**
   * The plan for moving from {@code running} (as parsed from {@code runningJson}) to {@code nextJson}.
   *
   * @throws ConfigException naming every problem of {@code nextJson}
   * @throws NeedsRestart when {@code nextJson} adds or removes a tenant, or the node runs in demo mode
   */
  static Plan plan(PlatformConfig running, JsonObject runningJson, JsonObject nextJson) {
    PlatformConfig next = PlatformConfig.fromJson(nextJson);
    if (running.demo() || next.demo()) {
      throw new NeedsRestart("demo mode does not reload");
    }
    if (!next.tenants().keySet().equals(running.tenants().keySet())) {
      throw new NeedsRestart("adding or removing tenants needs a restart");
    }
    return new Plan(next, needingRestart(runningJson, nextJson));
  }

  private static List<String> needingRestart(JsonObject running, JsonObject next) {
    Set<String> changed = new TreeSet<>();
    for (String section : union(running, next)) {
      if (RELOADED_SECTIONS.contains(section)) {
        continue;
      }
      if (section.equals("tenants")) {
        changedTenantSettings(running.getValue(section), next.getValue(section), changed);
      } else if (!Objects.equals(running.getValue(section), next.getValue(section))) {
        changed.add(section);
      }
    }
    return List.copyOf(changed);
  }

  private static void changedTenantSettings(Object running, Object next, Set<String> changed) {
    if (!(running instanceof JsonObject before) || !(next instanceof JsonObject after)) {
      return; // the tenant sets are equal, so both are the (validated) mappings of the same names
    }
    for (String tenant : before.fieldNames()) {
      JsonObject was = before.getJsonObject(tenant);
      JsonObject is = after.getJsonObject(tenant);
      for (String setting : union(was, is)) {
        if (!RELOADED_TENANT_KEYS.contains(setting) && !Objects.equals(was.getValue(setting), is.getValue(setting))) {
          changed.add("tenants." + tenant + "." + setting);
        }
      }
    }
  }

  private static Set<String> union(JsonObject a, JsonObject b) {
    Set<String> names = new TreeSet<>(a.fieldNames());
    names.addAll(b.fieldNames());
    return names;
  }
}
