package dev.wfgateway.gateway;

import static dev.wfgateway.gateway.GatewayFixtures.assertProblem;
import static dev.wfgateway.gateway.GatewayFixtures.onlyError;
import static dev.wfgateway.gateway.GatewayFixtures.then;
import static org.assertj.core.api.Assertions.assertThat;

import dev.wfgateway.common.Addresses;
import dev.wfgateway.common.NodeStatus;
import dev.wfgateway.common.ProblemType;
import dev.wfgateway.common.scaling.NodeReport;
import dev.wfgateway.gateway.GatewayFixtures.DeployedGateway;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The operator routes of the gateway deployed alone: what each asks the DLQ service, and the
 * circuit breakers gathered from every workflow node in the node directory and reset on all of
 * them. The directory holds three nodes: n1 and n2 run workflows, n3 only the DLQ.
 */
class AdminApiTest extends DeployedGateway {
  private static Future<AsyncMap<String, String>> directory() {
    return vertx.sharedData().getAsyncMap(NodeStatus.DIRECTORY);
  }

  private static String report(String node, boolean ready, String... verticles) {
    return new NodeReport(node, List.of(verticles), "local", ready, new JsonObject(), 0.5, 0, 0, 0, 0,
        "2026-06-01T12:00:00Z").toJson().encode();
  }

  @BeforeEach
  void listNodes(VertxTestContext test) {
    directory().compose(nodes -> nodes.put("n1", report("n1", true, "gateway", "workflow"))
            .compose(v -> nodes.put("n2", report("n2", true, "workflow")))
            .compose(v -> nodes.put("n3", report("n3", false, "dlq"))))
        .onComplete(test.succeedingThenComplete());
  }

  @AfterEach
  void emptyTheDirectory(VertxTestContext test) {
    directory().compose(AsyncMap::clear).onComplete(test.succeedingThenComplete());
  }

  private static JsonObject breaker(String name, String tenant, String state) {
    return new JsonObject().put("name", name).put("tenant", tenant).put("state", state);
  }

  /**
   * n1 has payments breakers for acme and globex, n2 for globex only and a search breaker. n3 runs
   * no workflows: were it asked, its answer would add a payments breaker of initech.
   */
  private Future<Void> breakersOnBothWorkflowNodes() {
    return replying(Addresses.WORKFLOW_BREAKERS + ".n1", new JsonObject().put("node", "n1").put("breakers",
            new JsonArray().add(breaker("payments", "acme", "open")).add(breaker("payments", "globex", "closed"))))
        .compose(n1 -> replying(Addresses.WORKFLOW_BREAKERS + ".n2", new JsonObject().put("node", "n2").put("breakers",
            new JsonArray().add(breaker("payments", "globex", "half_open")).add(breaker("search", "acme", "closed")))))
        .compose(n2 -> replying(Addresses.WORKFLOW_BREAKERS + ".n3", new JsonObject().put("node", "n3").put("breakers",
            new JsonArray().add(breaker("payments", "initech", "open")))))
        .mapEmpty();
  }

  /** The first reset published, once it arrives. */
  private Future<JsonObject> firstReset() {
    Promise<JsonObject> published = Promise.promise();
    return service(Addresses.WORKFLOW_BREAKERS_RESET, message -> published.tryComplete(message.body()))
        .compose(resets -> published.future());
  }

  // ---- the DLQ, across tenants

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "/admin/dlq/stats | platform.dlq.stats | {}",
      "/admin/dlq/stats?tenant=acme | platform.dlq.stats | {\"tenant\":\"acme\"}",
      "/admin/dlq?tenant=acme&reason=timeout&limit=5 | platform.dlq.query | {\"tenant\":\"acme\",\"reason\":\"timeout\",\"limit\":5}",
      "/admin/dlq?q=boom | platform.dlq.query | {\"q\":\"boom\"}",
      "/admin/dlq/retry-all?tenant=globex&workflow=reports | platform.dlq.retry | {\"tenant\":\"globex\",\"workflow\":\"reports\"}"})
  void eachDlqRouteAsksTheServiceForWhatItsParametersSay(String uri, String address, String expected,
      VertxTestContext test) {
    HttpMethod method = uri.startsWith("/admin/dlq/retry-all") ? HttpMethod.POST : HttpMethod.GET;
    replying(address, new JsonObject().put("answer", 1))
        .compose(dlq -> asAdmin(method, uri).send().map(response -> {
          test.verify(() -> {
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.bodyAsJsonObject()).isEqualTo(new JsonObject().put("answer", 1));
            assertThat(dlq.only().body()).isEqualTo(new JsonObject(expected));
          });
          return response;
        })).onComplete(test.succeedingThenComplete());
  }

  /** retry-all takes no page: a limit the client believed would bound it must not be ignored. */
  @Test
  void retryAllRefusesAPagingParameter(VertxTestContext test) {
    replying(Addresses.DLQ_RETRY, new JsonObject())
        .compose(dlq -> asAdmin(HttpMethod.POST, "/admin/dlq/retry-all?limit=5").send().map(response -> {
          test.verify(() -> {
            assertThat(onlyError(assertProblem(response, ProblemType.VALIDATION_FAILED, "/admin/dlq/retry-all"))
                .getString("pointer")).isEqualTo("limit");
            assertThat(dlq.received).isEmpty();
          });
          return response;
        })).onComplete(test.succeedingThenComplete());
  }

  // ---- the cluster

  @Test
  void theClusterListsTheDirectorysNodesWithTheirHealth(VertxTestContext test) {
    asAdmin(HttpMethod.GET, "/admin/cluster").send().onComplete(then(test, response -> {
      JsonObject cluster = response.bodyAsJsonObject();
      assertThat(cluster.getBoolean("clustered")).isFalse();
      assertThat(cluster.getInteger("size")).isEqualTo(3);
      assertThat(cluster.getJsonArray("members").stream().map(m -> ((JsonObject) m).getString("nodeId")
          + "=" + ((JsonObject) m).getString("health")).toList()).containsExactly("n1=UP", "n2=UP", "n3=DOWN");
    }));
  }

  // ---- circuit breakers

  @Test
  void theBreakersOfEveryWorkflowNodeAreListedEachWithItsNode(VertxTestContext test) {
    breakersOnBothWorkflowNodes()
        .compose(v -> asAdmin(HttpMethod.GET, "/admin/circuit-breakers").send())
        .onComplete(then(test, response -> {
          assertThat(response.statusCode()).isEqualTo(200);
          assertThat(response.bodyAsJsonObject().getJsonArray("breakers").stream()
              .map(b -> ((JsonObject) b).getString("node") + ":" + ((JsonObject) b).getString("name") + "/"
                  + ((JsonObject) b).getString("tenant") + "=" + ((JsonObject) b).getString("state")).toList())
              .containsExactlyInAnyOrder("n1:payments/acme=open", "n1:payments/globex=closed",
                  "n2:payments/globex=half_open", "n2:search/acme=closed");
        }));
  }

  @Test
  void aWorkflowNodeThatCannotListItsBreakersIsLeftOut(VertxTestContext test) {
    replying(Addresses.WORKFLOW_BREAKERS + ".n1", new JsonObject().put("node", "n1")
        .put("breakers", new JsonArray().add(breaker("payments", "acme", "open"))))
        .compose(n1 -> asAdmin(HttpMethod.GET, "/admin/circuit-breakers").send())
        .onComplete(then(test, response -> assertThat(response.bodyAsJsonObject().getJsonArray("breakers"))
            .containsExactly(breaker("payments", "acme", "open").put("node", "n1"))));
  }

  @Test
  void aResetClosesTheNamedBreakersOfEveryTenantOnEveryNode(VertxTestContext test) {
    breakersOnBothWorkflowNodes()
        .compose(v -> {
          Future<JsonObject> published = firstReset();
          return asAdmin(HttpMethod.POST, "/admin/circuit-breakers/payments/reset").send()
              .compose(response -> published.map(reset -> {
                test.verify(() -> {
                  assertThat(response.statusCode()).isEqualTo(200);
                  assertThat(response.bodyAsJsonObject()).isEqualTo(new JsonObject().put("name", "payments")
                      .put("state", "closed").put("tenants", new JsonArray().add("acme").add("globex")).put("nodes", 2));
                  assertThat(reset).isEqualTo(new JsonObject().put("name", "payments"));
                });
                return reset;
              }));
        })
        .onComplete(test.succeedingThenComplete());
  }

  @Test
  void aResetForOneTenantClosesOnlyItsBreakersAndCountsTheNodesThatHaveThem(VertxTestContext test) {
    breakersOnBothWorkflowNodes()
        .compose(v -> {
          Future<JsonObject> published = firstReset();
          return asAdmin(HttpMethod.POST, "/admin/circuit-breakers/payments/reset?tenant=acme").send()
              .compose(response -> published.map(reset -> {
                test.verify(() -> {
                  assertThat(response.bodyAsJsonObject()).isEqualTo(new JsonObject().put("name", "payments")
                      .put("tenant", "acme").put("state", "closed").put("tenants", new JsonArray().add("acme"))
                      .put("nodes", 1));
                  assertThat(reset).isEqualTo(new JsonObject().put("name", "payments").put("tenant", "acme"));
                });
                return reset;
              }));
        })
        .onComplete(test.succeedingThenComplete());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "/admin/circuit-breakers/nope/reset | No circuit breaker named 'nope'",
      "/admin/circuit-breakers/search/reset?tenant=globex | No circuit breaker named 'search' for tenant 'globex'"})
  void aResetOfNoKnownBreakerIsNotFoundAndPublishesNothing(String uri, String detail, VertxTestContext test) {
    breakersOnBothWorkflowNodes()
        .compose(v -> service(Addresses.WORKFLOW_BREAKERS_RESET, message -> { }))
        .compose(resets -> asAdmin(HttpMethod.POST, uri).send().map(response -> {
          test.verify(() -> {
            assertThat(assertProblem(response, ProblemType.NOT_FOUND, uri.replaceAll("\\?.*", ""))
                .getString("detail")).isEqualTo(detail);
            assertThat(resets.received).isEmpty();
          });
          return response;
        }))
        .onComplete(test.succeedingThenComplete());
  }

  /** A reset must never close more breakers than the operator meant because a parameter was ignored. */
  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "tenant=acme&tenant=globex | tenant | give tenant at most once, naming one tenant",
      "tenant= | tenant | give tenant at most once, naming one tenant",
      "tenant=acme&node=n1 | node | unknown query parameter 'node'"})
  void aResetWithAnUnclearScopeIsRefused(String query, String pointer, String message, VertxTestContext test) {
    breakersOnBothWorkflowNodes()
        .compose(v -> asAdmin(HttpMethod.POST, "/admin/circuit-breakers/payments/reset?" + query).send())
        .onComplete(then(test, response -> assertThat(onlyError(assertProblem(response, ProblemType.VALIDATION_FAILED,
            "/admin/circuit-breakers/payments/reset"))).isEqualTo(new JsonObject().put("pointer", pointer)
            .put("message", message))));
  }
}
