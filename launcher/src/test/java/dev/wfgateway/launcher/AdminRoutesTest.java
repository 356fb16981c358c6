package dev.wfgateway.launcher;

import static dev.wfgateway.launcher.ProblemAssert.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import dev.wfgateway.testkit.Await;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.file.Files;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Operator routes on a standalone demo node: cluster, scaling, circuit breakers, DLQ stats. */
class AdminRoutesTest {
  /** One node where the scaling policy wants at least two: its decision does not hang on live figures. */
  @RegisterExtension
  static final PerClass<RunningPlatform> node = PerClass.of(dir -> RunningPlatform.started(dir, Map.of(),
      Files.writeString(dir.resolve("platform.yaml"), "scaling: { minReplicas: 2 }\n").toString()));

  private HttpResponse<Buffer> admin(HttpMethod method, String path) {
    return Await.result(node.get().request(method, path).putHeader("Authorization", "Bearer " + DemoContent.ADMIN_TOKEN)
        .send());
  }

  @Test
  void clusterListsThisNodeWithItsVerticlesAndHealth() {
    JsonObject cluster = admin(HttpMethod.GET, "/admin/cluster").bodyAsJsonObject();

    assertThat(cluster.getBoolean("clustered")).isFalse();
    assertThat(cluster.getInteger("size")).isEqualTo(1);
    JsonObject member = cluster.getJsonArray("members").getJsonObject(0);
    assertThat(member.getString("health")).isEqualTo("UP");
    assertThat(member.getJsonArray("verticles").getList()).contains("gateway", "ratelimit", "workflow", "dlq");
  }

  @Test
  void scalingAnswersADecisionAndExportsTheGauge() {
    JsonObject scaling = admin(HttpMethod.GET, "/admin/scaling").bodyAsJsonObject();

    assertThat(scaling.getString("action")).as(scaling.encode()).isEqualTo("scale_up");
    assertThat(scaling.getInteger("currentReplicas")).isEqualTo(1);
    assertThat(scaling.getInteger("desiredReplicas")).isEqualTo(2);
    assertThat(scaling.getString("reason")).isEqualTo("below minReplicas 2");
    assertThat(scaling.getJsonObject("inputs").getInteger("replicas")).isEqualTo(1);
    String metrics = Await.result(node.get().request(HttpMethod.GET, "/metrics").send()).bodyAsString();
    assertThat(metrics).contains("platform_scaling_desired_replicas 2.0");
  }

  @Test
  void circuitBreakersAreListedAndCanBeReset() {
    node.get().submit(DemoContent.FLAKY, new JsonObject().put("orderId", "cb-1"));

    JsonObject list = admin(HttpMethod.GET, "/admin/circuit-breakers").bodyAsJsonObject();
    assertThat(list.getJsonArray("breakers").stream().map(b -> ((JsonObject) b).getString("name") + " of "
        + ((JsonObject) b).getString("tenant"))).contains("eventbus:demo.flaky of " + DemoContent.TENANT);
    HttpResponse<Buffer> reset = admin(HttpMethod.POST, "/admin/circuit-breakers/eventbus:demo.flaky/reset");
    assertThat(reset.statusCode()).isEqualTo(200);
    assertThat(reset.bodyAsJsonObject().getString("state")).isEqualTo("closed");
    assertThat(reset.bodyAsJsonObject().getJsonArray("tenants").getList()).containsExactly(DemoContent.TENANT);
    assertThat(reset.bodyAsJsonObject().getInteger("nodes")).isEqualTo(1);
    HttpResponse<Buffer> oneTenant = admin(HttpMethod.POST, "/admin/circuit-breakers/eventbus:demo.flaky/reset?tenant="
        + DemoContent.TENANT);
    assertThat(oneTenant.statusCode()).isEqualTo(200);
    assertThat(oneTenant.bodyAsJsonObject().getString("tenant")).isEqualTo(DemoContent.TENANT);

    assertProblem(admin(HttpMethod.POST, "/admin/circuit-breakers/nope/reset"), 404, "not-found");
    assertProblem(admin(HttpMethod.POST, "/admin/circuit-breakers/eventbus:demo.flaky/reset?tenant=nobody"), 404,
        "not-found");
    for (String query : new String[] {"?tenant=demo&force=true", "?tenant=demo&tenant=other", "?tenant="}) {
      JsonObject invalid = assertProblem(admin(HttpMethod.POST, "/admin/circuit-breakers/eventbus:demo.flaky/reset"
          + query), 400, "validation-failed");
      assertThat(invalid.getJsonArray("errors")).as(query).hasSize(1);
    }
  }

  @Test
  void adminRoutesRefuseTenantKeysAndTenantRoutesRefuseTheAdminToken() {
    HttpResponse<Buffer> tenantOnAdmin = Await.result(node.get().tenant(HttpMethod.GET, "/admin/dlq/stats").send());
    assertThat(tenantOnAdmin.statusCode()).isEqualTo(401);
    HttpResponse<Buffer> adminOnTenant = Await.result(node.get().request(HttpMethod.GET, "/v1/dlq")
        .putHeader("Authorization", "Bearer " + DemoContent.ADMIN_TOKEN).send());
    assertThat(adminOnTenant.statusCode()).isEqualTo(401);
    assertThat(admin(HttpMethod.GET, "/admin/dlq/stats").statusCode()).isEqualTo(200);
  }
}
