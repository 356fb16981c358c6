package dev.wfgateway.gateway;

import static dev.wfgateway.gateway.GatewayFixtures.ACME_KEY;
import static dev.wfgateway.gateway.GatewayFixtures.ADMIN_TOKEN;
import static dev.wfgateway.gateway.GatewayFixtures.assertProblem;
import static dev.wfgateway.gateway.GatewayFixtures.then;
import static org.assertj.core.api.Assertions.assertThat;

import dev.wfgateway.common.Addresses;
import dev.wfgateway.common.Headers;
import dev.wfgateway.common.MetricNames;
import dev.wfgateway.common.ProblemType;
import dev.wfgateway.common.messages.RunRecord;
import dev.wfgateway.common.config.Sha256;
import dev.wfgateway.common.messages.PolicyState;
import dev.wfgateway.common.messages.RateLimitDecision;
import dev.wfgateway.gateway.GatewayFixtures.DeployedGateway;
import dev.wfgateway.gateway.GatewayFixtures.FakeService;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Who gets in and how often, decided by the gateway deployed alone: credentials before the rate
 * limiter, the limiter's decision as a 429 with its headers, the request id every answer and every
 * service request carries, and the key reload the launcher hands over. The platform services are
 * fakes on their contract addresses.
 */
class GatewayAccessTest extends DeployedGateway {
  private static final PolicyState BURST_LEFT = new PolicyState("burst", 20, 1, 7, 1);
  private static final PolicyState BURST_GONE = new PolicyState("burst", 20, 1, 0, 1);
  private static final PolicyState SUSTAINED = new PolicyState("sustained", 1000, 900, 500, 300);
  private static final JsonObject RUN = RunRecord
      .queued("r1", "acme", "orders", "v1", new JsonObject(), "2026-12-01T10:00:00Z").toJson().put("status", "succeeded");

  private static JsonObject decision(boolean allowed, Long retryAfter, PolicyState... policies) {
    return new RateLimitDecision(allowed, List.of(policies), retryAfter, RateLimitDecision.MODE_REDIS).toJson();
  }

  /** A limiter that allows everything and a status service that knows run r1. */
  private Future<FakeService[]> allowingLimiterAndStatus() {
    return replying(Addresses.RATELIMIT_CHECK, decision(true, null, BURST_LEFT, SUSTAINED))
        .compose(limiter -> replying(Addresses.WORKFLOW_STATUS, RUN).map(status -> new FakeService[] {limiter, status}));
  }

  // ---- credentials

  @ParameterizedTest
  @CsvSource(delimiter = '|', nullValues = "none", value = {
      "none | Send 'Authorization: Bearer <key>'",
      "Basic YWNtZTpzZWNyZXQ= | Send 'Authorization: Bearer <key>'",
      "Bearer not-a-key | Unknown API key",
      "Bearer " + ADMIN_TOKEN + " | Unknown API key"})
  void aTenantRouteRefusesAnythingButATenantKeyBeforeAskingTheLimiter(String authorization, String detail,
      VertxTestContext test) {
    allowingLimiterAndStatus().compose(fakes -> {
      HttpRequest<Buffer> request = client.request(HttpMethod.GET, "/v1/runs/r1");
      if (authorization != null) {
        request.putHeader("Authorization", authorization);
      }
      return request.send().map(response -> {
        test.verify(() -> {
          assertThat(assertProblem(response, ProblemType.UNAUTHORIZED, "/v1/runs/r1").getString("detail"))
              .isEqualTo(detail);
          assertThat(fakes[0].received).isEmpty();
          assertThat(fakes[1].received).isEmpty();
        });
        return response;
      });
    }).onComplete(test.succeedingThenComplete());
  }

  @ParameterizedTest
  @ValueSource(strings = {"/admin/dlq/stats", "/admin/cluster", "/admin/circuit-breakers"})
  void anAdminRouteRefusesATenantKey(String path, VertxTestContext test) {
    replying(Addresses.DLQ_STATS, new JsonObject())
        .compose(stats -> asAcme(HttpMethod.GET, path).send().map(response -> {
          test.verify(() -> {
            assertThat(assertProblem(response, ProblemType.UNAUTHORIZED, path).getString("detail"))
                .isEqualTo("Admin routes need the admin token");
            assertThat(stats.received).isEmpty();
          });
          return response;
        })).onComplete(test.succeedingThenComplete());
  }

  @Test
  void theAdminTokenOpensAdminRoutes(VertxTestContext test) {
    replying(Addresses.DLQ_STATS, new JsonObject().put("total", 3))
        .compose(stats -> client.request(HttpMethod.GET, "/admin/dlq/stats")
            .putHeader("Authorization", "Bearer " + ADMIN_TOKEN).send())
        .onComplete(then(test, response -> {
          assertThat(response.statusCode()).isEqualTo(200);
          assertThat(response.bodyAsJsonObject()).isEqualTo(new JsonObject().put("total", 3));
        }));
  }

  @Test
  void metricsAreOpenToAnyoneByDefault(VertxTestContext test) {
    client.request(HttpMethod.GET, "/metrics").send().onComplete(then(test, response ->
        assertThat(response.statusCode()).isEqualTo(200)));
  }

  /** A second gateway, configured so, serves its metrics to the admin token only; it is undeployed after. */
  @Test
  void metricsConfiguredPrivateNeedTheAdminToken(VertxTestContext test) {
    JsonObject config = GatewayFixtures.platformConfig();
    config.getJsonObject("http").put("publicMetrics", false);
    deployGateway(config).compose(gateway -> gateway.client().request(HttpMethod.GET, "/metrics").send()
            .compose(anonymous -> gateway.client().request(HttpMethod.GET, "/metrics")
                .putHeader("Authorization", "Bearer " + ACME_KEY).send()
                .compose(tenant -> gateway.client().request(HttpMethod.GET, "/metrics")
                    .putHeader("Authorization", "Bearer " + ADMIN_TOKEN).send()
                    .map(admin -> List.of(anonymous, tenant, admin))))
            .compose(answers -> vertx.undeploy(gateway.id()).map(answers)))
        .onComplete(then(test, answers -> {
          assertProblem(answers.get(0), ProblemType.UNAUTHORIZED, "/metrics");
          assertThat(assertProblem(answers.get(1), ProblemType.UNAUTHORIZED, "/metrics").getString("detail"))
              .isEqualTo("Admin routes need the admin token");
          assertThat(answers.get(2).statusCode()).isEqualTo(200);
          assertThat(answers.get(2).bodyAsString()).contains(MetricNames.SCALING_DESIRED_REPLICAS.replace('.', '_'));
        }));
  }

  // ---- rate limits

  @ParameterizedTest
  @CsvSource({"GET, /v1/runs/r1, read", "GET, /v1/dlq, read", "GET, /v1/dlq/d1, read",
      "POST, /v1/workflows/orders/runs, submit", "POST, /v1/dlq/d1/retry, submit", "DELETE, /v1/dlq/d1, submit",
      "POST, /v1/dlq/retry, submit", "DELETE, /v1/dlq, submit"})
  void everyTenantRouteAsksTheLimiterForItsTenantAndRouteOnce(String method, String path, String route,
      VertxTestContext test) {
    replying(Addresses.RATELIMIT_CHECK, decision(false, 1L, BURST_GONE))
        .compose(limiter -> asAcme(HttpMethod.valueOf(method), path).send().map(response -> {
          test.verify(() -> {
            assertProblem(response, ProblemType.RATE_LIMITED, path);
            assertThat(limiter.only().body())
                .isEqualTo(new JsonObject().put("tenant", "acme").put("route", route).put("cost", 1));
          });
          return response;
        })).onComplete(test.succeedingThenComplete());
  }

  @Test
  void aDeniedRequestIs429WithTheLimitersHeadersAndGoesNoFurther(VertxTestContext test) {
    replying(Addresses.RATELIMIT_CHECK, decision(false, 4L, SUSTAINED, BURST_GONE))
        .compose(limiter -> replying(Addresses.WORKFLOW_STATUS, RUN))
        .compose(status -> asAcme(HttpMethod.GET, "/v1/runs/r1").send().map(response -> {
          test.verify(() -> {
            JsonObject problem = assertProblem(response, ProblemType.RATE_LIMITED, "/v1/runs/r1");
            assertThat(problem.getString("detail")).isEqualTo("The tenant's 'burst' limit is exhausted");
            assertThat(problem.getLong("retryAfterSeconds")).isEqualTo(4);
            assertThat(response.getHeader("Retry-After")).isEqualTo("4");
            assertThat(response.getHeader("RateLimit-Policy"))
                .isEqualTo("\"sustained\";q=1000;w=900, \"burst\";q=20;w=1");
            assertThat(response.getHeader("RateLimit")).isEqualTo("\"burst\";r=0;t=1");
            assertThat(response.getHeader("X-RateLimit-Remaining")).isEqualTo("0");
            assertThat(status.received).isEmpty();
          });
          return response;
        })).onComplete(test.succeedingThenComplete());
  }

  @Test
  void anAllowedRequestCarriesTheLimitersHeadersOnItsAnswer(VertxTestContext test) {
    allowingLimiterAndStatus()
        .compose(fakes -> asAcme(HttpMethod.GET, "/v1/runs/r1").send())
        .onComplete(then(test, response -> {
          assertThat(response.statusCode()).isEqualTo(200);
          assertThat(response.bodyAsJsonObject()).isEqualTo(RUN);
          assertThat(response.getHeader("RateLimit")).isEqualTo("\"burst\";r=7;t=1");
          assertThat(response.getHeader("X-RateLimit-Limit")).isEqualTo("20");
          assertThat(response.getHeader("X-RateLimit-Remaining")).isEqualTo("7");
          assertThat(response.getHeader("X-RateLimit-Reset")).isEqualTo("1");
          assertThat(response.getHeader("Retry-After")).isNull();
        }));
  }

  // ---- request ids

  @Test
  void aSaneRequestIdIsEchoedAndTravelsToEveryServiceTheRequestReaches(VertxTestContext test) {
    String requestId = "client-42:a/b+c=d.e_f";
    allowingLimiterAndStatus()
        .compose(fakes -> asAcme(HttpMethod.GET, "/v1/runs/r1").putHeader("X-Request-Id", requestId)
            .putHeader("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01").send()
            .map(response -> {
              test.verify(() -> {
                assertThat(response.getHeader("X-Request-Id")).isEqualTo(requestId);
                for (FakeService fake : fakes) {
                  assertThat(fake.only().headers().get(Headers.REQUEST_ID)).isEqualTo(requestId);
                  assertThat(fake.only().headers().get(Headers.TRACEPARENT))
                      .isEqualTo("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
                }
              });
              return response;
            }))
        .onComplete(test.succeedingThenComplete());
  }

  @ParameterizedTest
  @ValueSource(strings = {"has space", "semi;colon", "quote\"d", ""})
  void anInsaneRequestIdIsReplacedByOneOfTheGateways(String offered, VertxTestContext test) {
    allowingLimiterAndStatus()
        .compose(fakes -> asAcme(HttpMethod.GET, "/v1/runs/r1").putHeader("X-Request-Id", offered).send()
            .map(response -> {
              test.verify(() -> {
                String chosen = response.getHeader("X-Request-Id");
                assertThat(UUID.fromString(chosen).toString()).isEqualTo(chosen);
                assertThat(fakes[1].only().headers().get(Headers.REQUEST_ID)).isEqualTo(chosen);
              });
              return response;
            }))
        .onComplete(test.succeedingThenComplete());
  }

  @Test
  void aRequestIdOf128CharactersIsKeptAndOneOf129Replaced(VertxTestContext test) {
    String longest = "r".repeat(128);
    client.request(HttpMethod.GET, "/v1/runs/r1").putHeader("X-Request-Id", longest).send()
        .compose(kept -> client.request(HttpMethod.GET, "/v1/runs/r1").putHeader("X-Request-Id", longest + "r").send()
            .map(replaced -> new String[] {kept.getHeader("X-Request-Id"), replaced.getHeader("X-Request-Id")}))
        .onComplete(then(test, ids -> {
          assertThat(ids[0]).isEqualTo(longest);
          assertThat(UUID.fromString(ids[1]).toString()).isEqualTo(ids[1]);
        }));
  }

  @Test
  void withoutARequestIdEachRequestGetsItsOwn(VertxTestContext test) {
    client.request(HttpMethod.GET, "/v1/runs/r1").send()
        .compose(first -> client.request(HttpMethod.GET, "/no/such/route").send()
            .map(second -> new String[] {first.getHeader("X-Request-Id"), second.getHeader("X-Request-Id")}))
        .onComplete(then(test, ids -> {
          assertThat(UUID.fromString(ids[0]).toString()).isEqualTo(ids[0]);
          assertThat(UUID.fromString(ids[1]).toString()).isEqualTo(ids[1]);
          assertThat(ids[0]).isNotEqualTo(ids[1]);
        }));
  }

  // ---- key reloads handed over by the launcher

  @Test
  void aReloadedConfigurationSwapsTheKeysAndTheReloadIsAcknowledged(VertxTestContext test) {
    JsonObject reloaded = GatewayFixtures.platformConfig();
    reloaded.getJsonObject("tenants").getJsonObject("acme").put("keys", new JsonArray()
        .add(new JsonObject().put("id", "next").put("sha256", Sha256.hex("acme-next-secret"))));
    allowingLimiterAndStatus()
        .compose(fakes -> vertx.eventBus().request(GatewayVerticle.RELOAD_KEYS, reloaded))
        .compose(ack -> asAcme(HttpMethod.GET, "/v1/runs/r1").send())
        .compose(old -> client.request(HttpMethod.GET, "/v1/runs/r1")
            .putHeader("Authorization", "Bearer acme-next-secret").send()
            .map(next -> new int[] {old.statusCode(), next.statusCode()}))
        .compose(statuses -> vertx.eventBus().request(GatewayVerticle.RELOAD_KEYS, GatewayFixtures.platformConfig())
            .map(statuses))
        .onComplete(then(test, statuses -> assertThat(statuses).containsExactly(401, 200)));
  }

  @Test
  void anInvalidReloadIsRefusedWith400AndTheKeysStay(VertxTestContext test) {
    JsonObject invalid = GatewayFixtures.platformConfig().put("admin", new JsonObject().put("tokenSha256", "not-hex"));
    allowingLimiterAndStatus()
        .compose(fakes -> vertx.eventBus().request(GatewayVerticle.RELOAD_KEYS, invalid))
        .onComplete(test.failing(failure -> test.verify(() -> {
          assertThat(failure).isInstanceOf(ReplyException.class);
          assertThat(((ReplyException) failure).failureCode()).isEqualTo(400);
          assertThat(failure.getMessage()).contains("admin.tokenSha256");
          asAcme(HttpMethod.GET, "/v1/runs/r1").send().onComplete(then(test, response ->
              assertThat(response.statusCode()).isEqualTo(200)));
        })));
  }
}
