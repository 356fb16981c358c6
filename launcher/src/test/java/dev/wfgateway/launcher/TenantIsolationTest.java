package dev.wfgateway.launcher;

import static dev.wfgateway.launcher.ProblemAssert.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import dev.wfgateway.testkit.Await;
import java.time.Duration;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The key decides the tenant: acme reaches none of globex's runs and DLQ entries by any route, and
 * its bulk actions touch only its own entries. Each test leaves globex's run and entry in place.
 */
class TenantIsolationTest {
  private static final String ACME = ConfiguredPlatform.ACME_KEY;
  private static final String GLOBEX = ConfiguredPlatform.GLOBEX_KEY;

  @TempDir
  static Path dir;
  private static EdgePlatform edge;
  private static String globexRunId;
  private static String globexDlqId;

  @BeforeAll
  static void start() throws Exception {
    edge = new EdgePlatform(dir);
    JsonObject failed = edge.submit(GLOBEX, EdgePlatform.FAILING, new JsonObject().put("secret", "globex-only"))
        .bodyAsJsonObject();
    globexRunId = failed.getString("runId");
    globexDlqId = failed.getString("dlqId");
    assertThat(globexRunId).isNotBlank();
    assertThat(globexDlqId).isNotBlank();
  }

  @AfterAll
  static void stop() throws Exception {
    edge.close();
  }

  private HttpResponse<Buffer> acme(HttpMethod method, String path) {
    return edge.send(edge.as(ACME, method, path));
  }

  @Test
  void anotherTenantsRunAndEntryAre404ByEveryRoute() {
    for (HttpResponse<Buffer> response : List.of(
        acme(HttpMethod.GET, "/v1/runs/" + globexRunId),
        acme(HttpMethod.GET, "/v1/dlq/" + globexDlqId),
        acme(HttpMethod.POST, "/v1/dlq/" + globexDlqId + "/retry"),
        acme(HttpMethod.DELETE, "/v1/dlq/" + globexDlqId))) {
      JsonObject problem = assertProblem(response, 404, "not-found");
      assertThat(problem.encode()).doesNotContain("globex");
    }
    assertGlobexUntouched();
  }

  @Test
  void listingAndSearchingShowNoneOfAnotherTenantsEntries() {
    for (String query : List.of("", "?q=globex-only", "?q=" + globexRunId, "?workflow=" + EdgePlatform.FAILING)) {
      HttpResponse<Buffer> page = acme(HttpMethod.GET, "/v1/dlq" + query);
      assertThat(page.statusCode()).isEqualTo(200);
      assertThat(page.bodyAsString()).as(query).doesNotContain(globexDlqId, globexRunId, "globex");
    }
  }

  @Test
  void bulkRetryAndDeleteTouchOnlyTheCallersEntries() {
    JsonObject own = edge.submit(ACME, EdgePlatform.FAILING, new JsonObject().put("mine", true)).bodyAsJsonObject();
    assertThat(own.getString("dlqId")).isNotBlank();

    HttpResponse<Buffer> retried = acme(HttpMethod.POST, "/v1/dlq/retry?workflow=" + EdgePlatform.FAILING);
    assertThat(retried.statusCode()).isEqualTo(202);
    assertThat(retried.bodyAsJsonObject().getInteger("retried")).isEqualTo(1);
    // The redriven run fails again on its own time: wait until it is back before deleting.
    Await.until("the redriven run back in the DLQ", Duration.ofSeconds(10), () -> acme(HttpMethod.GET,
        "/v1/dlq?workflow=" + EdgePlatform.FAILING).bodyAsJsonObject().getJsonArray("entries").stream()
        .anyMatch(e -> ((JsonObject) e).getInteger("redriveCount") == 1));
    HttpResponse<Buffer> deleted = acme(HttpMethod.DELETE, "/v1/dlq");
    assertThat(deleted.statusCode()).isEqualTo(200);
    assertThat(deleted.bodyAsJsonObject().getInteger("deleted")).isGreaterThanOrEqualTo(1);

    assertThat(acme(HttpMethod.GET, "/v1/dlq/" + own.getString("dlqId")).statusCode()).isEqualTo(404);
    assertGlobexUntouched();
  }

  @Test
  void theAdminSeesBothTenantsEntries() {
    JsonObject page = edge.send(edge.as(ConfiguredPlatform.ADMIN_TOKEN, HttpMethod.GET, "/admin/dlq?tenant=globex"))
        .bodyAsJsonObject();

    assertThat(page.getJsonArray("entries").stream().map(e -> ((JsonObject) e).getString("id")))
        .contains(globexDlqId);
  }

  private void assertGlobexUntouched() {
    HttpResponse<Buffer> entry = edge.send(edge.as(GLOBEX, HttpMethod.GET, "/v1/dlq/" + globexDlqId));
    assertThat(entry.statusCode()).isEqualTo(200);
    assertThat(entry.bodyAsJsonObject().getString("runId")).isEqualTo(globexRunId);
    assertThat(entry.bodyAsJsonObject().getInteger("redriveCount")).isZero();
    HttpResponse<Buffer> run = edge.send(edge.as(GLOBEX, HttpMethod.GET, "/v1/runs/" + globexRunId));
    assertThat(run.statusCode()).isEqualTo(200);
    assertThat(run.bodyAsJsonObject().getString("status")).isEqualTo("dead_lettered");
  }
}
