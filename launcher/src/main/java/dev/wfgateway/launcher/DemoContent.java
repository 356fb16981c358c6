package dev.wfgateway.launcher;

import dev.wfgateway.common.config.Sha256;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * DEMO ONLY. With no {@code tenants} section the platform starts with a {@code demo} tenant, a
 * well-known API key and admin token, and two demo workflows served by {@link DemoServiceVerticle}.
 * Any real tenants section turns all of this off. The demo binds to loopback unless a host is set.
 */
final class DemoContent {
  static final String TENANT = "demo";
  static final String API_KEY = "demo-api-key";
  static final String ADMIN_TOKEN = "demo-admin-token";
  static final String HELLO = "demo-hello";
  static final String FLAKY = "demo-flaky";

  private DemoContent() {
  }

  static boolean wanted(JsonObject config) {
    return config.getValue("tenants") == null;
  }

  static boolean runsWorkflows(JsonObject config) {
    Object verticles = config.getValue("verticles");
    return !(verticles instanceof JsonArray list) || list.contains("workflow");
  }

  /** The configuration with the demo tenant and workflows added; the HTTP step calls {@code demoHttpPort}. */
  static JsonObject apply(JsonObject config, int demoHttpPort) {
    JsonObject out = config.copy().put("demo", true);
    JsonObject http = out.getJsonObject("http", new JsonObject());
    if (!http.containsKey("host")) {
      out.put("http", http.copy().put("host", "127.0.0.1"));
    }
    JsonObject admin = out.getJsonObject("admin", new JsonObject());
    if (!admin.containsKey("tokenSha256")) {
      out.put("admin", admin.copy().put("tokenSha256", Sha256.hex(ADMIN_TOKEN)));
    }
    out.put("tenants", new JsonObject().put(TENANT, new JsonObject()
        .put("keys", new JsonArray().add(new JsonObject().put("id", "demo-key-1").put("sha256", Sha256.hex(API_KEY))))
        .put("workflows", new JsonArray().add(HELLO).add(FLAKY))));
    JsonObject workflows = out.getJsonObject("workflows", new JsonObject()).copy()
        .put(HELLO, new JsonObject()
            .put("timeout", "10s")
            .put("steps", new JsonArray()
                .add(new JsonObject().put("name", "greet")
                    .put("eventbus", new JsonObject().put("address", DemoServiceVerticle.GREET).put("timeout", "2s"))
                    .put("retry", "fast"))
                .add(new JsonObject().put("name", "stamp")
                    .put("http", new JsonObject().put("method", "POST")
                        .put("url", "http://127.0.0.1:" + demoHttpPort + DemoServiceVerticle.STAMP_PATH)
                        .put("timeout", "2s"))
                    .put("retry", "fast"))))
        .put(FLAKY, new JsonObject()
            .put("timeout", "10s")
            .put("lock", new JsonObject().put("key", "/orderId").put("ttl", "10s").put("wait", "2s"))
            .put("steps", new JsonArray()
                .add(new JsonObject().put("name", "charge")
                    .put("eventbus", new JsonObject().put("address", DemoServiceVerticle.FLAKY).put("timeout", "2s"))
                    .put("retry", "fast"))));
    return out.put("workflows", workflows);
  }

  static String banner(int port) {
    return String.join("\n",
        "",
        "  DEMO MODE: no tenants are configured, so a demo tenant and demo workflows are running.",
        "  Demo API key: " + API_KEY + "   (admin token: " + ADMIN_TOKEN + ")",
        "  Try it:",
        "    curl -s -H 'Authorization: Bearer " + API_KEY + "' -H 'Content-Type: application/json' \\",
        "      -d '{\"input\":{\"name\":\"Ada\"}}' http://127.0.0.1:" + port + "/v1/workflows/" + HELLO + "/runs",
        "  Configure a tenants section (--conf FILE) to turn the demo off.",
        "");
  }
}
