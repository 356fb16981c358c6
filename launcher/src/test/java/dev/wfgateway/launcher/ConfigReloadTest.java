package dev.wfgateway.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.wfgateway.common.config.ConfigException;
import dev.wfgateway.common.config.PlatformConfig;
import dev.wfgateway.common.config.Sha256;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** What a re-read configuration changes: applied, refused whole, or named as needing a restart. */
class ConfigReloadTest {
  private static JsonObject step(String name, String address) {
    return new JsonObject().put("name", name).put("eventbus", new JsonObject().put("address", address));
  }

  private static JsonObject running() {
    return new JsonObject()
        .put("admin", new JsonObject().put("tokenSha256", Sha256.hex("admin")))
        .put("http", new JsonObject().put("port", 8080))
        .put("workflows", new JsonObject()
            .put("orders", new JsonObject().put("steps", new JsonArray().add(step("place", "shop.place")))))
        .put("circuitBreakers", new JsonObject().put("shop", new JsonObject().put("minimumCalls", 5)))
        .put("tenants", new JsonObject()
            .put("acme", new JsonObject().put("keys", new JsonArray()
                .add(new JsonObject().put("id", "a1").put("sha256", Sha256.hex("acme-key"))))));
  }

  private static ConfigReload.Plan plan(JsonObject next) {
    JsonObject running = running();
    return ConfigReload.plan(PlatformConfig.fromJson(running), running, next);
  }

  @Test
  void keysTheAdminTokenWorkflowsAllowListsAndBreakersAreAppliedWithoutARestart() {
    JsonObject next = running();
    next.put("admin", new JsonObject().put("tokenSha256", Sha256.hex("rotated")));
    next.getJsonObject("workflows").put("refunds", new JsonObject().put("steps", new JsonArray()
        .add(step("refund", "shop.refund"))));
    next.getJsonObject("workflows").getJsonObject("orders").put("version", "2");
    next.getJsonObject("circuitBreakers").getJsonObject("shop").put("minimumCalls", 50);
    JsonObject acme = next.getJsonObject("tenants").getJsonObject("acme");
    acme.put("revokedKeys", new JsonArray().add("a1")).put("workflows", new JsonArray().add("refunds"));

    ConfigReload.Plan plan = plan(next);

    assertThat(plan.needingRestart()).isEmpty();
    assertThat(plan.next().workflows()).containsOnlyKeys("orders", "refunds");
    assertThat(plan.next().workflows().get("orders").version()).isEqualTo("2");
    assertThat(plan.next().tenants().get("acme").mayRun("orders")).isFalse();
    assertThat(plan.next().circuitBreakers().get("shop").minimumCalls()).isEqualTo(50);
  }

  @Test
  void otherChangesAreNamedAsNeedingARestart() {
    JsonObject next = running();
    next.getJsonObject("http").put("port", 9090);
    next.put("runs", new JsonObject().put("retention", "1h"));
    next.getJsonObject("tenants").getJsonObject("acme")
        .put("bulkhead", new JsonObject().put("maxConcurrent", 2).put("maxQueued", 2));

    assertThat(plan(next).needingRestart()).containsExactly("http", "runs", "tenants.acme.bulkhead");
  }

  @Test
  void aConfigurationWithProblemsIsRefusedNamingEveryOne() {
    JsonObject next = running();
    JsonArray steps = next.getJsonObject("workflows").getJsonObject("orders").getJsonArray("steps");
    steps.add(new JsonObject().put("name", "ship").put("kafka", new JsonObject()));
    next.getJsonObject("tenants").getJsonObject("acme").put("workflows", new JsonArray().add("nope"));

    ConfigException refused = catchThrowableOfType(ConfigException.class, () -> plan(next));

    assertThat(refused).isNotNull();
    assertThat(String.join("\n", refused.problems())).contains("workflows.orders.steps[1].kafka",
        "tenants.acme.workflows: unknown workflow 'nope'");
  }

  @Test
  void addingOrRemovingATenantNeedsARestart() {
    JsonObject added = running();
    added.getJsonObject("tenants").put("globex", new JsonObject().put("keys", new JsonArray()
        .add(new JsonObject().put("id", "g1").put("sha256", Sha256.hex("globex-key")))));
    JsonObject removed = running().put("tenants", new JsonObject());

    for (JsonObject next : new JsonObject[] {added, removed}) {
      ConfigReload.NeedsRestart refused = catchThrowableOfType(ConfigReload.NeedsRestart.class, () -> plan(next));
      assertThat(refused).isNotNull();
      assertThat(refused.getMessage()).contains("tenants needs a restart");
    }
  }
}
