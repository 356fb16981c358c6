package dev.wfgateway.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wfgateway.testkit.TestVertx;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The {@code Allow} value of a 405, built from a router shaped like the gateway's. */
class AllowedMethodsTest {
  private static Vertx vertx;
  private static Router router;
  private static AllowedMethods allowed;

  @BeforeAll
  static void mount() {
    vertx = TestVertx.create();
    router = Router.router(vertx);
    router.route().handler(ctx -> ctx.next());
    router.route("/admin/*").handler(ctx -> ctx.next());
    router.routeWithRegex("/regex/.*").handler(ctx -> ctx.next());
    router.post("/v1/workflows/:workflow/runs").handler(ctx -> ctx.end());
    router.get("/v1/runs/:runId").handler(ctx -> ctx.end());
    router.get("/v1/dlq").handler(ctx -> ctx.end());
    router.delete("/v1/dlq").handler(ctx -> ctx.end());
    router.post("/v1/dlq/retry").handler(ctx -> ctx.end());
    router.get("/v1/dlq/:id").handler(ctx -> ctx.end());
    router.delete("/v1/dlq/:id").handler(ctx -> ctx.end());
    router.get("/admin/cluster").handler(ctx -> ctx.end());
    router.get("/files/*").handler(ctx -> ctx.end());
    router.get("/v1.0/status").handler(ctx -> ctx.end());
    allowed = new AllowedMethods(router);
  }

  @AfterAll
  static void close() throws Exception {
    TestVertx.close(vertx);
  }

  @Test
  void theMethodsOfEveryRouteOnThePathAreListedSorted() {
    assertThat(allowed.allow("/v1/dlq")).isEqualTo("DELETE, GET");
    assertThat(allowed.allow("/v1/runs/r-1")).isEqualTo("GET");
    assertThat(allowed.allow("/v1/workflows/orders/runs")).isEqualTo("POST");
  }

  /** {@code /v1/dlq/retry} is also a value of {@code /v1/dlq/:id}: the router would route both. */
  @Test
  void aLiteralPathAndAParameterThatMatchesItBothCount() {
    assertThat(allowed.allow("/v1/dlq/retry")).isEqualTo("DELETE, GET, POST");
  }

  @Test
  void aParameterStandsForOneSegmentOnly() {
    assertThat(allowed.allow("/v1/dlq/a/b")).isEmpty();
    assertThat(allowed.allow("/v1/runs/")).isEmpty();
    assertThat(allowed.allow("/v1/workflows/a/b/runs")).isEmpty();
  }

  @Test
  void aTrailingStarStandsForTheRest() {
    assertThat(allowed.allow("/files/a/b/c")).isEqualTo("GET");
    assertThat(allowed.allow("/files/")).isEqualTo("GET");
  }

  @Test
  void theRestOfThePathIsLiteral() {
    assertThat(allowed.allow("/v1.0/status")).isEqualTo("GET");
    assertThat(allowed.allow("/v1x0/status")).isEmpty();
    assertThat(allowed.allow("/v1/dlqs")).isEmpty();
  }

  /** {@code /admin/*} without methods authenticates every admin request; it answers none of them. */
  @Test
  void routesWithoutMethodsOrPathAddNothing() {
    assertThat(allowed.allow("/admin/cluster")).isEqualTo("GET");
    assertThat(allowed.allow("/admin/other")).isEmpty();
    assertThat(allowed.allow("/regex/x")).isEmpty();
  }

  @Test
  void onlyRoutesWithAPathAndMethodsAreEndpoints() {
    assertThat(router.getRoutes().stream().filter(AllowedMethods::isEndpoint).map(Route::getPath))
        .containsExactly("/v1/workflows/:workflow/runs", "/v1/runs/:runId", "/v1/dlq", "/v1/dlq", "/v1/dlq/retry",
            "/v1/dlq/:id", "/v1/dlq/:id", "/admin/cluster", "/files/", "/v1.0/status");
  }
}
