package dev.wfgateway.launcher;

import dev.wfgateway.common.config.Sha256;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * DEMO ONLY. With no {@code tenants} section the platform starts with a {@code demo} tenant, a
 * well-known API key and admin token, and three demo workflows served by {@link DemoServiceVerticle}.
 * Any real tenants section turns all of this off. The demo binds to loopback unless a host is set.
 */
final class DemoContent {
  static final String TENANT = "demo";
  static final String API_KEY = "demo-api-key";
  static final String ADMIN_TOKEN = "demo-admin-token";
  static final String HELLO = "demo-hello";
  static final String FLAKY = "demo-flaky";
  static final String CHECKOUT = "demo-checkout";

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
        .put("workflows", new JsonArray().add(HELLO).add(FLAKY).add(CHECKOUT))));
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
                    .put("retry", "fast"))))
        .put(CHECKOUT, checkout(demoHttpPort));
    return out.put("workflows", workflows);
  }

  /**
   * The order checkout of docs/workflows.md: a reservation released if the run fails, fraud and
   * credit checks side by side (the credit refunded if a later step fails), a bonus for gold
   * customers only, and a notification whose body is mapped from the input and earlier outputs.
   */
  private static JsonObject checkout(int port) {
    JsonObject notifyBody = new JsonObject()
        .put("orderId", "/input/orderId")
        .put("reservationId", "/steps/reserve/reservationId")
        .put("fraudScore", "/steps/fraud/score")
        .put("authorization", "/steps/credit/authorization")
        .put("bonusPoints", new JsonObject().put("pointer", "/steps/bonus/points").put("default", 0))
        .put("email", new JsonObject().put("pointer", "/input/email").put("default", "customer@example.com"));
    return new JsonObject()
        // a label, not the default hash: the URLs name this node's demo port, which differs per node
        .put("version", "1")
        .put("timeout", "10s")
        .put("inputSchema", new JsonObject().put("type", "object")
            .put("required", new JsonArray().add("orderId").add("amount"))
            .put("properties", new JsonObject()
                .put("orderId", new JsonObject().put("type", "string"))
                .put("amount", new JsonObject().put("type", "number").put("minimum", 0))
                .put("tier", new JsonObject().put("type", "string"))
                .put("email", new JsonObject().put("type", "string"))))
        .put("steps", new JsonArray()
            .add(step("reserve").put("http", checkoutHttp(port, "reserve"))
                .put("compensate", new JsonObject().put("http", checkoutHttp(port, "release"))))
            .add(new JsonObject().put("name", "checks").put("parallel", new JsonArray()
                .add(step("fraud").put("eventbus", new JsonObject()
                    .put("address", DemoCheckoutServices.FRAUD).put("timeout", "2s")))
                .add(step("credit").put("http", checkoutHttp(port, "credit"))
                    .put("compensate", new JsonObject().put("http", checkoutHttp(port, "refund"))))))
            .add(step("bonus").put("http", checkoutHttp(port, "bonus"))
                .put("when", new JsonObject().put("pointer", "/input/tier").put("equals", "gold")))
            .add(step("notify").put("http", checkoutHttp(port, "notify")).put("input", notifyBody)));
  }

  private static JsonObject step(String name) {
    return new JsonObject().put("name", name).put("retry", "fast");
  }

  private static JsonObject checkoutHttp(int port, String service) {
    return new JsonObject().put("method", "POST")
        .put("url", "http://127.0.0.1:" + port + DemoCheckoutServices.path(service)).put("timeout", "2s");
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
