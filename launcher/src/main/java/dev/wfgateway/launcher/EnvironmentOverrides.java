package dev.wfgateway.launcher;

import dev.wfgateway.common.config.Sha256;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Arrays;
import java.util.Map;

/**
 * The environment variables a deployment usually sets, as a configuration patch merged over the
 * file: {@code HTTP_PORT}, {@code HTTP_HOST}, {@code REDIS_URL}, {@code PLATFORM_ADMIN_TOKEN}
 * (hashed here, never kept), {@code PLATFORM_VERTICLES}, {@code DLQ_JOURNAL_DIR}, {@code RUNS_JOURNAL_DIR}.
 */
final class EnvironmentOverrides {
  private EnvironmentOverrides() {
  }

  static JsonObject from(Map<String, String> env) {
    JsonObject patch = new JsonObject();
    String port = env.get("HTTP_PORT");
    if (port != null && !port.isBlank()) {
      try {
        section(patch, "http").put("port", Integer.parseInt(port.trim()));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("HTTP_PORT must be a number, got '" + port + "'");
      }
    }
    put(patch, "http", "host", env.get("HTTP_HOST"));
    put(patch, "redis", "url", env.get("REDIS_URL"));
    String adminToken = env.get("PLATFORM_ADMIN_TOKEN");
    if (adminToken != null && !adminToken.isBlank()) {
      section(patch, "admin").put("tokenSha256", Sha256.hex(adminToken));
    }
    String verticles = env.get("PLATFORM_VERTICLES");
    if (verticles != null && !verticles.isBlank()) {
      patch.put("verticles", verticleList(verticles));
    }
    put(patch, "dlq", "journalDir", env.get("DLQ_JOURNAL_DIR"));
    put(patch, "runs", "journalDir", env.get("RUNS_JOURNAL_DIR"));
    return patch;
  }

  static JsonArray verticleList(String commaSeparated) {
    return new JsonArray(Arrays.stream(commaSeparated.split(",")).map(String::trim).filter(s -> !s.isEmpty())
        .map(Object.class::cast).toList());
  }

  private static void put(JsonObject patch, String section, String key, String value) {
    if (value != null && !value.isBlank()) {
      section(patch, section).put(key, value.trim());
    }
  }

  private static JsonObject section(JsonObject patch, String name) {
    JsonObject section = patch.getJsonObject(name);
    if (section == null) {
      section = new JsonObject();
      patch.put(name, section);
    }
    return section;
  }
}
