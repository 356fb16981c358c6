package dev.wfgateway.launcher;

import static dev.wfgateway.launcher.ProblemAssert.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import dev.wfgateway.testkit.Eventually;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The key decides the tenant: acme reaches none of globex's runs and DLQ entries by any route, and
 * its bulk actions touch only its own entries. Each test leaves globex's run and entry in place.
 */
@ExtendWith(VertxExtension.class)
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

  private static Future<HttpResponse<Buffer>> acme(HttpMethod method, String path) {
    return edge.as(ACME, method, path).send();
  }

  @Test
  void anotherTenantsRunAndEntryAre404ByEveryRoute(VertxTestContext context) {
    Future.all(List.of(
            acme(HttpMethod.GET, "/v1/runs/" + globexRunId),
            acme(HttpMethod.GET, "/v1/dlq/" + globexDlqId),
            acme(HttpMethod.POST, "/v1/dlq/" + globexDlqId + "/retry"),
            acme(HttpMethod.DELETE, "/v1/dlq/" + globexDlqId)))
        .compose(answers -> {
          context.verify(() -> {
            for (HttpResponse<Buffer> response : answers.<HttpResponse<Buffer>>list()) {
              assertThat(assertProblem(response, 404, "not-found").encode()).doesNotContain("globex");
            }
          });
          return globexUntouched(context);
        })
        .onComplete(context.succeedingThenComplete());
  }

  @Test
  void listingAndSearchingShowNoneOfAnotherTenantsEntries(VertxTestContext context) {
    List<String> queries = List.of("", "?q=globex-only", "?q=" + globexRunId, "?workflow=" + EdgePlatform.FAILING);
    Future.all(queries.stream().map(query -> acme(HttpMethod.GET, "/v1/dlq" + query)).toList())
        .onComplete(context.succeeding(pages -> context.verify(() -> {
          for (int i = 0; i < queries.size(); i++) {
            HttpResponse<Buffer> page = pages.resultAt(i);
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.bodyAsString()).as(queries.get(i)).doesNotContain(globexDlqId, globexRunId, "globex");
          }
          context.completeNow();
        })));
  }

  @Test
  void bulkRetryAndDeleteTouchOnlyTheCallersEntries(VertxTestContext context) {
    String[] ownDlqId = {null};
    edge.as(ACME, HttpMethod.POST, "/v1/workflows/" + EdgePlatform.FAILING + "/runs")
        .putHeader("Content-Type", "application/json").sendBuffer(Buffer.buffer("{\"input\":{\"mine\":true}}"))
        .compose(own -> {
          ownDlqId[0] = own.bodyAsJsonObject().getString("dlqId");
          context.verify(() -> assertThat(ownDlqId[0]).isNotBlank());
          return acme(HttpMethod.POST, "/v1/dlq/retry?workflow=" + EdgePlatform.FAILING);
        })
        .compose(retried -> {
          context.verify(() -> {
            assertThat(retried.statusCode()).isEqualTo(202);
            assertThat(retried.bodyAsJsonObject().getInteger("retried")).isEqualTo(1);
          });
          // The redriven run fails again on its own time: wait until it is back before deleting.
          return Eventually.until(edge.node.vertx, "the redriven run back in the DLQ", Duration.ofSeconds(10),
              () -> acme(HttpMethod.GET, "/v1/dlq?workflow=" + EdgePlatform.FAILING),
              page -> page.bodyAsJsonObject().getJsonArray("entries").stream()
                  .anyMatch(e -> ((JsonObject) e).getInteger("redriveCount") == 1));
        })
        .compose(back -> acme(HttpMethod.DELETE, "/v1/dlq"))
        .compose(deleted -> {
          context.verify(() -> {
            assertThat(deleted.statusCode()).isEqualTo(200);
            assertThat(deleted.bodyAsJsonObject().getInteger("deleted")).isEqualTo(1);
          });
          return acme(HttpMethod.GET, "/v1/dlq/" + ownDlqId[0]);
        })
        .compose(gone -> {
          context.verify(() -> assertThat(gone.statusCode()).isEqualTo(404));
          return globexUntouched(context);
        })
        .onComplete(context.succeedingThenComplete());
  }

  @Test
  void theAdminSeesBothTenantsEntries(VertxTestContext context) {
    edge.as(ConfiguredPlatform.ADMIN_TOKEN, HttpMethod.GET, "/admin/dlq?tenant=globex").send()
        .onComplete(context.succeeding(page -> context.verify(() -> {
          assertThat(page.bodyAsJsonObject().getJsonArray("entries").stream()
              .map(e -> ((JsonObject) e).getString("id"))).contains(globexDlqId);
          context.completeNow();
        })));
  }

  private Future<Void> globexUntouched(VertxTestContext context) {
    return Future.all(edge.as(GLOBEX, HttpMethod.GET, "/v1/dlq/" + globexDlqId).send(),
            edge.as(GLOBEX, HttpMethod.GET, "/v1/runs/" + globexRunId).send())
        .map(answers -> {
          context.verify(() -> {
            HttpResponse<Buffer> entry = answers.resultAt(0);
            assertThat(entry.statusCode()).isEqualTo(200);
            assertThat(entry.bodyAsJsonObject().getString("runId")).isEqualTo(globexRunId);
            assertThat(entry.bodyAsJsonObject().getInteger("redriveCount")).isZero();
            HttpResponse<Buffer> run = answers.resultAt(1);
            assertThat(run.statusCode()).isEqualTo(200);
            assertThat(run.bodyAsJsonObject().getString("status")).isEqualTo("dead_lettered");
          });
          return null;
        });
  }
}
