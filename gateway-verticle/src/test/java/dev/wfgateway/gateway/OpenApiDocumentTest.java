package dev.wfgateway.gateway;

import static dev.wfgateway.gateway.GatewayFixtures.then;
import static org.assertj.core.api.Assertions.assertThat;

import dev.wfgateway.common.ProblemType;
import dev.wfgateway.testkit.TestVertx;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.vertx.openapi.contract.OpenAPIVersion;
import io.vertx.core.json.pointer.JsonPointer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.yaml.snakeyaml.Yaml;

/** The served OpenAPI document is a valid OpenAPI 3.1 contract and describes exactly the routes the router serves. */
@ExtendWith(VertxExtension.class)
class OpenApiDocumentTest {
  private static Vertx vertx;
  private static GatewayVerticle gateway;
  private static JsonObject document;

  @BeforeAll
  static void start(VertxTestContext test) {
    vertx = TestVertx.create();
    gateway = new GatewayVerticle(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    JsonObject config = new JsonObject().put("http", new JsonObject().put("host", "127.0.0.1").put("port", 0));
    vertx.deployVerticle(gateway, new DeploymentOptions().setConfig(config))
        .compose(id -> vertx.executeBlocking(() -> new JsonObject(Json.encode(new Yaml().<Object>load(
            GatewayVerticle.openApiDocument().toString())))))
        .onComplete(test.succeeding(parsed -> {
          document = parsed;
          test.completeNow();
        }));
  }

  @AfterAll
  static void stop() throws Exception {
    TestVertx.close(vertx);
  }

  /**
   * What {@code OpenAPIContract.from} does before it builds its request-validation model: check the
   * document against the OpenAPI 3.1 meta-schema and resolve it. The model step itself is skipped
   * because vertx-openapi 5.0 refuses media types it cannot validate requests against
   * ({@code application/problem+json}, {@code application/yaml}), which says nothing about the document.
   */
  @Test
  void theDocumentIsAValidOpenApi31Contract(VertxTestContext test) {
    OpenAPIVersion version = OpenAPIVersion.fromContract(document);
    assertThat(version).isEqualTo(OpenAPIVersion.V3_1);
    version.getRepository(vertx, "app:///")
        .compose(repository -> version.validateContract(vertx, repository, document).map(result -> {
          test.verify(() -> assertThat(result.getValid()).as("meta-schema errors: %s", result.getErrors()).isTrue());
          return repository;
        }))
        .compose(repository -> version.resolve(vertx, repository, document))
        .onComplete(test.succeedingThenComplete());
  }

  /** The control for the test above: the same validation rejects a document that breaks the meta-schema. */
  @Test
  void theValidationRejectsABrokenDocument(VertxTestContext test) {
    JsonObject broken = document.copy();
    broken.remove("info");
    broken.getJsonObject("paths").getJsonObject("/health").getJsonObject("get").put("responses", 5);
    OpenAPIVersion version = OpenAPIVersion.fromContract(broken);
    version.getRepository(vertx, "app:///")
        .compose(repository -> version.validateContract(vertx, repository, broken))
        .onComplete(then(test, result -> assertThat(result.getValid()).isFalse()));
  }

  @Test
  void everyReferencePointsIntoTheDocument() {
    List<String> references = new ArrayList<>();
    collectReferences(document, references);

    assertThat(references).hasSizeGreaterThan(50);
    for (String reference : references) {
      assertThat(reference).startsWith("#/");
      assertThat(JsonPointer.from(reference.substring(1)).queryJson(document)).as(reference).isNotNull();
    }
  }

  private static void collectReferences(Object node, List<String> references) {
    if (node instanceof JsonObject object) {
      object.forEach(field -> {
        if (field.getKey().equals("$ref")) {
          references.add((String) field.getValue());
        } else {
          collectReferences(field.getValue(), references);
        }
      });
    } else if (node instanceof JsonArray array) {
      array.forEach(element -> collectReferences(element, references));
    }
  }

  @Test
  void everyRouteTheRouterServesIsDescribedAndNothingElse() {
    Set<String> served = gateway.router().getRoutes().stream()
        .filter(AllowedMethods::isEndpoint)
        .flatMap(route -> route.methods().stream().map(method -> method.name() + " " + openApiPath(route)))
        .collect(Collectors.toCollection(TreeSet::new));
    Set<String> documented = new TreeSet<>();
    operations((path, method, operation) -> documented.add(method.toUpperCase(Locale.ROOT) + " " + path));

    assertThat(served).hasSizeGreaterThanOrEqualTo(20).contains("GET /openapi.yaml", "GET /metrics",
        "POST /v1/workflows/{workflow}/runs", "POST /admin/circuit-breakers/{name}/reset");
    assertThat(documented).isEqualTo(served);
  }

  @Test
  void everyOperationDeclaresItsSecurityAndEveryAuthenticatedOneIts401() {
    operations((path, method, operation) -> {
      JsonArray security = operation.getJsonArray("security");
      assertThat(security).as("security of %s %s", method, path).isNotNull();
      boolean anonymousAllowed = security.isEmpty() || security.stream().anyMatch(r -> ((JsonObject) r).isEmpty());
      if (!anonymousAllowed) {
        assertThat(operation.getJsonObject("responses").getValue("401")).as("401 of %s %s", method, path).isNotNull();
      }
    });
  }

  private interface OperationVisitor {
    void visit(String path, String method, JsonObject operation);
  }

  private static void operations(OperationVisitor visitor) {
    JsonObject paths = document.getJsonObject("paths");
    for (String path : paths.fieldNames()) {
      JsonObject item = paths.getJsonObject(path);
      for (String method : item.fieldNames()) {
        visitor.visit(path, method, item.getJsonObject(method));
      }
    }
  }

  @Test
  void theProblemSchemaListsEveryProblemType() {
    Set<String> documented = new TreeSet<>(document.getJsonObject("components")
        .getJsonObject("schemas").getJsonObject("Problem").getJsonObject("properties").getJsonObject("type")
        .getJsonArray("enum").stream().map(String.class::cast).toList());

    assertThat(documented).isEqualTo(Arrays.stream(ProblemType.values()).map(ProblemType::uri)
        .collect(Collectors.toCollection(TreeSet::new)));
  }

  @Test
  void theDocumentIsServedAsYamlToAnyone(VertxTestContext test) {
    WebClient client = WebClient.create(vertx);
    client.request(HttpMethod.GET, gateway.actualPort(), "127.0.0.1", GatewayVerticle.OPENAPI_PATH).send()
        .compose(response -> vertx.executeBlocking(GatewayVerticle::openApiDocument).map(served -> {
          test.verify(() -> {
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.getHeader("Content-Type")).isEqualTo("application/yaml");
            assertThat(response.body()).isEqualTo(served);
          });
          return served;
        }))
        .onComplete(test.succeedingThenComplete());
  }

  /** {@code /v1/dlq/:id} as OpenAPI writes it: {@code /v1/dlq/{id}}. */
  private static String openApiPath(Route route) {
    return route.getPath().replaceAll(":([A-Za-z0-9_]+)", "{$1}");
  }
}
