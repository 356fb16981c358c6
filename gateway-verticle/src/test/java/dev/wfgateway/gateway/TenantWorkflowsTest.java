package dev.wfgateway.gateway;

import static dev.wfgateway.gateway.GatewayFixtures.ACME_KEY;
import static dev.wfgateway.gateway.GatewayFixtures.GLOBEX_KEY;
import static dev.wfgateway.gateway.GatewayFixtures.ORDERS;
import static dev.wfgateway.gateway.GatewayFixtures.REPORTS;
import static dev.wfgateway.gateway.GatewayFixtures.assertProblem;
import static dev.wfgateway.gateway.GatewayFixtures.then;
import static org.assertj.core.api.Assertions.assertThat;

import dev.wfgateway.common.Addresses;
import dev.wfgateway.common.ProblemType;
import dev.wfgateway.common.messages.PolicyState;
import dev.wfgateway.common.messages.RateLimitDecision;
import dev.wfgateway.common.messages.RunRecord;
import dev.wfgateway.gateway.GatewayFixtures.DeployedGateway;
import dev.wfgateway.gateway.GatewayFixtures.FakeService;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /v1/workflows} and {@code GET /v1/workflows/{workflow}}: a tenant sees the workflows
 * it may run, and what it needs to submit them (version, timeout, input schema, the shape of the
 * steps), never what they call; a reload the launcher hands over shows at once.
 */
class TenantWorkflowsTest extends DeployedGateway {
  private static FakeService limiter;

  /** A workflow with every part of DESIGN.md 7b, its calls full of things a tenant must not see. */
  private static final JsonObject CHECKOUT = new JsonObject("""
      {
        "version": "7", "timeout": "45s",
        "inputSchema": {"type": "object", "required": ["orderId"], "properties": {"orderId": {"type": "string"}}},
        "steps": [
          {"name": "reserve", "circuitBreaker": "inventory-breaker",
           "http": {"url": "http://inventory.internal:8081/reserve", "headers": {"x-api-secret": "s3cret"}},
           "compensate": {"http": {"url": "http://inventory.internal:8081/release"}}},
          {"name": "checks", "parallel": [
            {"name": "fraud", "eventbus": {"address": "risk.fraud"}},
            {"name": "credit", "http": {"url": "http://credit.internal/check"},
             "compensate": {"eventbus": {"address": "credit.release"}}}]},
          {"name": "bonus", "when": {"pointer": "/input/tier", "equals": "gold"},
           "eventbus": {"address": "loyalty.bonus"}},
          {"name": "notify", "when": {"pointer": "/steps/fraud/score", "exists": true},
           "input": {"orderId": "/input/orderId", "channel": {"pointer": "/input/channel", "default": "email"}},
           "http": {"method": "PUT", "url": "http://notify.internal/send"}}
        ]
      }""");

  @BeforeAll
  static void allowEverything(VertxTestContext test) {
    JsonObject allowed = new RateLimitDecision(true, List.of(new PolicyState("reads", 100, 1, 99, 1)), null,
        RateLimitDecision.MODE_REDIS).toJson();
    FakeService.on(vertx, Addresses.RATELIMIT_CHECK, message -> message.reply(allowed))
        .onComplete(test.succeeding(fake -> {
          limiter = fake;
          test.completeNow();
        }));
  }

  @BeforeEach
  void forgetLimiterChecks() {
    limiter.received.clear();
  }

  private static Future<HttpResponse<Buffer>> get(WebClient on, String key, String path) {
    return on.request(HttpMethod.GET, path).putHeader("Authorization", "Bearer " + key).send();
  }

  private static List<String> names(HttpResponse<Buffer> listing) {
    assertThat(listing.statusCode()).as(listing.bodyAsString()).isEqualTo(200);
    return listing.bodyAsJsonObject().getJsonArray("workflows").stream()
        .map(w -> ((JsonObject) w).getString("name")).toList();
  }

  @Test
  void eachTenantListsOnlyTheWorkflowsItMayRunSortedByNameOnTheReadRoute(VertxTestContext test) {
    Future.all(get(client, ACME_KEY, "/v1/workflows"), get(client, GLOBEX_KEY, "/v1/workflows"))
        .onComplete(then(test, answers -> {
          HttpResponse<Buffer> acme = answers.resultAt(0);
          assertThat(acme.getHeader("Content-Type")).isEqualTo("application/json");
          assertThat(names(acme)).containsExactly(ORDERS);
          assertThat(names(answers.resultAt(1))).containsExactly(ORDERS, REPORTS);
          assertThat(limiter.received).hasSize(2)
              .allSatisfy(check -> assertThat(check.body().getString("route")).isEqualTo(TenantApi.ROUTE_READ));
        }));
  }

  @Test
  void aWorkflowTheTenantMayNotRunIsNotFoundLikeAnUnknownOneAndLikeOnSubmit(VertxTestContext test) {
    String notAllowed = "/v1/workflows/" + REPORTS;
    Future.all(get(client, ACME_KEY, notAllowed), get(client, ACME_KEY, "/v1/workflows/no-such"),
            asAcme(HttpMethod.POST, notAllowed + "/runs").send(), get(client, GLOBEX_KEY, notAllowed))
        .onComplete(then(test, answers -> {
          JsonObject hidden = assertProblem(answers.resultAt(0), ProblemType.NOT_FOUND, notAllowed);
          JsonObject unknown = assertProblem(answers.resultAt(1), ProblemType.NOT_FOUND, "/v1/workflows/no-such");
          JsonObject onSubmit = assertProblem(answers.resultAt(2), ProblemType.NOT_FOUND, notAllowed + "/runs");
          assertThat(hidden.getString("detail")).isEqualTo(onSubmit.getString("detail"))
              .isEqualTo("No workflow named '" + REPORTS + "'");
          assertThat(unknown.getString("detail")).isEqualTo("No workflow named 'no-such'");
          assertThat(answers.<HttpResponse<Buffer>>resultAt(3).statusCode()).as("globex may run it").isEqualTo(200);
        }));
  }

  @Test
  void theViewShowsVersionTimeoutSchemaAndStepShapesButNothingTheStepsCall(VertxTestContext test) {
    JsonObject config = GatewayFixtures.platformConfig();
    config.getJsonObject("workflows").put("checkout", CHECKOUT);
    config.put("circuitBreakers", new JsonObject().put("inventory-breaker", new JsonObject().put("minimumCalls", 5)));
    JsonObject expected = new JsonObject("""
        {"name": "checkout", "version": "7", "timeout": "45s",
         "inputSchema": {"type": "object", "required": ["orderId"], "properties": {"orderId": {"type": "string"}}},
         "steps": [
           {"name": "reserve", "kind": "http", "compensated": true},
           {"name": "checks", "kind": "parallel", "compensated": false, "branches": [
             {"name": "fraud", "kind": "eventbus", "compensated": false},
             {"name": "credit", "kind": "http", "compensated": true}]},
           {"name": "bonus", "kind": "eventbus", "when": {"pointer": "/input/tier", "equals": "gold"},
            "compensated": false},
           {"name": "notify", "kind": "http", "when": {"pointer": "/steps/fraud/score", "exists": true},
            "input": {"orderId": "/input/orderId", "channel": {"pointer": "/input/channel", "default": "email"}},
            "compensated": false}]}""");
    deployGateway(config).compose(gateway -> Future.all(get(gateway.client(), GLOBEX_KEY, "/v1/workflows/checkout"),
            get(gateway.client(), GLOBEX_KEY, "/v1/workflows"), get(gateway.client(), ACME_KEY, "/v1/workflows"))
        .eventually(() -> vertx.undeploy(gateway.id())))
        .onComplete(then(test, answers -> {
          HttpResponse<Buffer> one = answers.resultAt(0);
          assertThat(one.statusCode()).as(one.bodyAsString()).isEqualTo(200);
          assertThat(one.bodyAsJsonObject()).isEqualTo(expected);
          assertThat(one.bodyAsString()).doesNotContain("internal", "risk.fraud", "loyalty", "credit.release",
              "s3cret", "x-api-secret", "inventory-breaker", "PUT", "url", "address", "headers");
          HttpResponse<Buffer> listing = answers.resultAt(1);
          assertThat(names(listing)).containsExactly("checkout", ORDERS, REPORTS);
          assertThat(listing.bodyAsJsonObject().getJsonArray("workflows").getJsonObject(0)).isEqualTo(expected);
          assertThat(names(answers.resultAt(2))).as("acme's allow-list").containsExactly(ORDERS);
        }));
  }

  @Test
  void aWorkflowWithoutLabelOrSchemaShowsItsHashVersionAndNoSchema(VertxTestContext test) {
    get(client, ACME_KEY, "/v1/workflows/" + ORDERS).onComplete(then(test, response -> {
      JsonObject view = response.bodyAsJsonObject();
      assertThat(view.fieldNames()).containsExactlyInAnyOrder("name", "version", "timeout", "steps");
      assertThat(view.getString("version")).matches("[0-9a-f]{12}");
      assertThat(view.getString("timeout")).isEqualTo(GatewayFixtures.ORDERS_TIMEOUT.toMillis() + "ms");
      assertThat(view.getJsonArray("steps")).isEqualTo(new JsonArray()
          .add(new JsonObject().put("name", "only").put("kind", "eventbus").put("compensated", false)));
    }));
  }

  /**
   * A reload that removes {@code orders}, adds {@code invoices} and gives acme that one instead:
   * listed, described and submitted at once; the removed one is a 404 on every route.
   */
  @Test
  void aReloadedConfigurationChangesWhatATenantSeesAndMaySubmit(VertxTestContext test) {
    JsonObject reloaded = GatewayFixtures.platformConfig();
    JsonObject workflows = reloaded.getJsonObject("workflows");
    workflows.put("invoices", workflows.remove(ORDERS));
    reloaded.getJsonObject("tenants").getJsonObject("acme").put("workflows", new JsonArray().add("invoices"));
    JsonObject run = RunRecord.queued("run-1", "acme", "invoices", "v1", new JsonObject(), "2026-12-01T10:00:00Z")
        .toJson().put("status", "succeeded");
    replying(Addresses.WORKFLOW_SUBMIT, run)
        .compose(submits -> vertx.eventBus().request(GatewayVerticle.RELOAD_CONFIG, reloaded)
            .compose(ack -> Future.all(get(client, ACME_KEY, "/v1/workflows"),
                get(client, ACME_KEY, "/v1/workflows/invoices"), get(client, ACME_KEY, "/v1/workflows/" + ORDERS),
                asAcme(HttpMethod.POST, "/v1/workflows/" + ORDERS + "/runs").send(),
                asAcme(HttpMethod.POST, "/v1/workflows/invoices/runs").send(),
                get(client, GLOBEX_KEY, "/v1/workflows")))
            .map(answers -> {
              test.verify(() -> {
                assertThat(names(answers.resultAt(0))).containsExactly("invoices");
                assertThat(answers.<HttpResponse<Buffer>>resultAt(1).statusCode()).isEqualTo(200);
                assertProblem(answers.resultAt(2), ProblemType.NOT_FOUND, "/v1/workflows/" + ORDERS);
                assertProblem(answers.resultAt(3), ProblemType.NOT_FOUND, "/v1/workflows/" + ORDERS + "/runs");
                assertThat(answers.<HttpResponse<Buffer>>resultAt(4).statusCode()).isEqualTo(200);
                assertThat(submits.only().body().getString("workflow")).isEqualTo("invoices");
                assertThat(names(answers.resultAt(5))).containsExactly("invoices", REPORTS);
              });
              return answers;
            }))
        .eventually(() -> vertx.eventBus().request(GatewayVerticle.RELOAD_CONFIG, GatewayFixtures.platformConfig()))
        .onComplete(test.succeedingThenComplete());
  }
}
