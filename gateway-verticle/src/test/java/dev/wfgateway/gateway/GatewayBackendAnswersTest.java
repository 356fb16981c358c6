package dev.wfgateway.gateway;

import static dev.wfgateway.gateway.GatewayFixtures.ORDERS;
import static dev.wfgateway.gateway.GatewayFixtures.ORDERS_TIMEOUT;
import static dev.wfgateway.gateway.GatewayFixtures.REPORTS;
import static dev.wfgateway.gateway.GatewayFixtures.assertProblem;
import static dev.wfgateway.gateway.GatewayFixtures.then;
import static org.assertj.core.api.Assertions.assertThat;

import dev.wfgateway.common.Addresses;
import dev.wfgateway.common.Headers;
import dev.wfgateway.common.Problem;
import dev.wfgateway.common.ProblemType;
import dev.wfgateway.common.messages.RunRecord;
import dev.wfgateway.common.messages.PolicyState;
import dev.wfgateway.common.messages.RateLimitDecision;
import dev.wfgateway.gateway.GatewayFixtures.DeployedGateway;
import dev.wfgateway.gateway.GatewayFixtures.FakeService;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxTestContext;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What the gateway makes of its services' answers, deployed alone with fakes on the contract
 * addresses (the limiter allows everything): replies mapped to statuses and headers, problems
 * answered as sent, failures that are not problems answered without their text, a missing service
 * and a silent one answered 503.
 */
class GatewayBackendAnswersTest extends DeployedGateway {
  /** How much longer than the workflow's timeout a sync submit waits for the workflow service. */
  private static final Duration SYNC_MARGIN = Duration.ofSeconds(5);

  /** The limiter allows everything, for every test of the class. */
  @BeforeAll
  static void allowEverything(VertxTestContext test) {
    JsonObject allowed = new RateLimitDecision(true, List.of(new PolicyState("reads", 100, 1, 99, 1)), null,
        RateLimitDecision.MODE_REDIS).toJson();
    FakeService.on(vertx, Addresses.RATELIMIT_CHECK, message -> message.reply(allowed))
        .onComplete(test.succeedingThenComplete());
  }

  private Future<FakeService> failing(String address, Problem problem) {
    return service(address, message -> message.fail(problem.status(), problem.toJson().encode()));
  }

  private static Future<HttpResponse<Buffer>> submit(String body, String... headers) {
    HttpRequest<Buffer> request = asAcme(HttpMethod.POST, "/v1/workflows/" + ORDERS + "/runs")
        .putHeader("Content-Type", "application/json");
    for (int i = 0; i < headers.length; i += 2) {
      request.putHeader(headers[i], headers[i + 1]);
    }
    return request.sendBuffer(Buffer.buffer(body));
  }

  /** A whole run record, as the workflow service sends it. */
  private static JsonObject run(String status) {
    return RunRecord.queued("run-7", "acme", ORDERS, "v1", new JsonObject(), "2026-12-01T10:00:00Z").toJson()
        .put("status", status);
  }

  // ---- replies

  @Test
  void aRunsStatusIsAskedForTheCallersTenantAndAnsweredAsTheServiceReplied(VertxTestContext test) {
    replying(Addresses.WORKFLOW_STATUS, run("succeeded"))
        .compose(status -> asAcme(HttpMethod.GET, "/v1/runs/run-7").send().map(response -> {
          test.verify(() -> {
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.getHeader("Content-Type")).isEqualTo("application/json");
            assertThat(response.bodyAsJsonObject()).isEqualTo(run("succeeded"));
            assertThat(status.only().body()).isEqualTo(new JsonObject().put("tenant", "acme").put("runId", "run-7"));
          });
          return response;
        })).onComplete(test.succeedingThenComplete());
  }

  @Test
  void aSyncSubmitCarriesTheRequestAndARunIdAndIsAnsweredWithTheRun(VertxTestContext test) {
    replying(Addresses.WORKFLOW_SUBMIT, run("succeeded"))
        .compose(workflow -> submit("{\"input\": {\"eventId\": \"e-1\"}}", "Idempotency-Key", "key-1",
            "X-Request-Id", "req-1").map(response -> {
              test.verify(() -> {
                assertThat(response.statusCode()).isEqualTo(200);
                assertThat(response.bodyAsJsonObject()).isEqualTo(run("succeeded"));
                assertThat(response.getHeader("Location")).isNull();
                assertThat(response.getHeader("Idempotent-Replayed")).isNull();
                GatewayFixtures.Received sent = workflow.only();
                assertThat(sent.body()).isEqualTo(new JsonObject().put("tenant", "acme").put("workflow", ORDERS)
                    .put("input", new JsonObject().put("eventId", "e-1")).put("async", false).put("source", "http")
                    .put("redriveCount", 0).put("idempotencyKey", "key-1").put("requestId", "req-1"));
                String runId = sent.headers().get(Headers.RUN_ID);
                assertThat(UUID.fromString(runId).toString()).isEqualTo(runId);
              });
              return response;
            })).onComplete(test.succeedingThenComplete());
  }

  @Test
  void everySubmitGetsARunIdOfItsOwn(VertxTestContext test) {
    replying(Addresses.WORKFLOW_SUBMIT, run("succeeded"))
        .compose(workflow -> submit("{}").compose(first -> submit("{}")).map(second -> workflow))
        .onComplete(then(test, workflow -> assertThat(workflow.received.get(0).headers().get(Headers.RUN_ID))
            .isNotEqualTo(workflow.received.get(1).headers().get(Headers.RUN_ID))));
  }

  @Test
  void anAsyncSubmitAnsweredQueuedIs202WithTheRunsLocation(VertxTestContext test) {
    replying(Addresses.WORKFLOW_SUBMIT, run("queued"))
        .compose(workflow -> submit("{}", "Prefer", "respond-async").map(response -> {
          test.verify(() -> {
            assertThat(response.statusCode()).isEqualTo(202);
            assertThat(response.getHeader("Location")).isEqualTo("/v1/runs/run-7");
            assertThat(response.getHeader("Preference-Applied")).isEqualTo("respond-async");
            assertThat(response.bodyAsJsonObject()).isEqualTo(run("queued"));
            assertThat(workflow.only().body().getBoolean("async")).isTrue();
          });
          return response;
        })).onComplete(test.succeedingThenComplete());
  }

  /** A resent submit can find its run already running on another node: async says 202, sync shows the record. */
  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void aRunningRecordIs202ForAnAsyncSubmitOnly(boolean async, VertxTestContext test) {
    replying(Addresses.WORKFLOW_SUBMIT, run("running"))
        .compose(workflow -> async ? submit("{}", "Prefer", "respond-async") : submit("{}"))
        .onComplete(then(test, response -> {
          assertThat(response.statusCode()).isEqualTo(async ? 202 : 200);
          assertThat(response.getHeader("Location")).isEqualTo(async ? "/v1/runs/run-7" : null);
        }));
  }

  @Test
  void aReplayedReplyIsMarkedIdempotentReplayed(VertxTestContext test) {
    service(Addresses.WORKFLOW_SUBMIT, message -> message.reply(run("succeeded"),
        new DeliveryOptions().addHeader(Headers.IDEMPOTENT_REPLAYED, "true")))
        .compose(workflow -> submit("{}", "Idempotency-Key", "key-1"))
        .onComplete(then(test, response -> {
          assertThat(response.statusCode()).isEqualTo(200);
          assertThat(response.getHeader("Idempotent-Replayed")).isEqualTo("true");
        }));
  }

  @Test
  void aWorkflowTheTenantMayNotRunIsNotFoundAndNeverSubmitted(VertxTestContext test) {
    replying(Addresses.WORKFLOW_SUBMIT, run("succeeded"))
        .compose(workflow -> asAcme(HttpMethod.POST, "/v1/workflows/" + REPORTS + "/runs").send()
            .compose(notAllowed -> asAcme(HttpMethod.POST, "/v1/workflows/nope/runs").send().map(unknown -> {
              test.verify(() -> {
                assertThat(assertProblem(notAllowed, ProblemType.NOT_FOUND, "/v1/workflows/reports/runs")
                    .getString("detail")).isEqualTo("No workflow named 'reports'");
                assertThat(assertProblem(unknown, ProblemType.NOT_FOUND, "/v1/workflows/nope/runs")
                    .getString("detail")).isEqualTo("No workflow named 'nope'");
                assertThat(workflow.received).isEmpty();
              });
              return unknown;
            })))
        .onComplete(test.succeedingThenComplete());
  }

  @Test
  void aSubmitWithBadInputIsNeverSubmitted(VertxTestContext test) {
    replying(Addresses.WORKFLOW_SUBMIT, run("succeeded"))
        .compose(workflow -> submit("{\"input\": 5}").map(response -> {
          test.verify(() -> {
            assertProblem(response, ProblemType.VALIDATION_FAILED, "/v1/workflows/orders/runs");
            assertThat(workflow.received).isEmpty();
          });
          return response;
        })).onComplete(test.succeedingThenComplete());
  }

  @Test
  void aDlqListingCarriesTheTenantTheFilterAndThePage(VertxTestContext test) {
    JsonObject page = new JsonObject().put("entries", new JsonArray()).put("nextCursor", (String) null);
    replying(Addresses.DLQ_QUERY, page)
        .compose(dlq -> asAcme(HttpMethod.GET, "/v1/dlq?workflow=orders&reason=timeout&limit=10&cursor=c").send()
            .map(response -> {
              test.verify(() -> {
                assertThat(response.statusCode()).isEqualTo(200);
                assertThat(response.bodyAsJsonObject()).isEqualTo(page);
                assertThat(dlq.only().body()).isEqualTo(new JsonObject().put("tenant", "acme").put("workflow", "orders")
                    .put("reason", "timeout").put("limit", 10).put("cursor", "c"));
              });
              return response;
            })).onComplete(test.succeedingThenComplete());
  }

  @Test
  void oneDlqEntryIsAskedForByTenantAndId(VertxTestContext test) {
    replying(Addresses.DLQ_QUERY, new JsonObject().put("id", "d1"))
        .compose(dlq -> asAcme(HttpMethod.GET, "/v1/dlq/d1").send().map(response -> {
          test.verify(() -> {
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(dlq.only().body()).isEqualTo(new JsonObject().put("tenant", "acme").put("id", "d1"));
          });
          return response;
        })).onComplete(test.succeedingThenComplete());
  }

  @Test
  void retryingOneEntryIs202WithTheNewRunOr404WhenNothingWasRetried(VertxTestContext test) {
    service(Addresses.DLQ_RETRY, message -> message.reply("d1".equals(message.body().getString("id"))
        ? new JsonObject().put("retried", 1).put("runIds", new JsonArray().add("run-9"))
        : new JsonObject().put("retried", 0)))
        .compose(dlq -> asAcme(HttpMethod.POST, "/v1/dlq/d1/retry").send()
            .compose(retried -> asAcme(HttpMethod.POST, "/v1/dlq/d2/retry").send().map(missing -> {
              test.verify(() -> {
                assertThat(retried.statusCode()).isEqualTo(202);
                assertThat(retried.bodyAsJsonObject()).isEqualTo(new JsonObject().put("runId", "run-9"));
                assertThat(assertProblem(missing, ProblemType.NOT_FOUND, "/v1/dlq/d2/retry").getString("detail"))
                    .isEqualTo("No such DLQ entry");
                assertThat(dlq.received.get(0).body()).isEqualTo(new JsonObject().put("tenant", "acme").put("id", "d1"));
              });
              return missing;
            })))
        .onComplete(test.succeedingThenComplete());
  }

  @Test
  void deletingOneEntryIs204Or404WhenNothingWasDeleted(VertxTestContext test) {
    service(Addresses.DLQ_DELETE, message -> message.reply(new JsonObject()
        .put("deleted", "d1".equals(message.body().getString("id")) ? 1 : 0)))
        .compose(dlq -> asAcme(HttpMethod.DELETE, "/v1/dlq/d1").send()
            .compose(deleted -> asAcme(HttpMethod.DELETE, "/v1/dlq/d2").send().map(missing -> {
              test.verify(() -> {
                assertThat(deleted.statusCode()).isEqualTo(204);
                assertThat(deleted.body()).isNull();
                assertProblem(missing, ProblemType.NOT_FOUND, "/v1/dlq/d2");
              });
              return missing;
            })))
        .onComplete(test.succeedingThenComplete());
  }

  @Test
  void bulkRetryIs202AndBulkDeleteIs200WithTheServicesCounts(VertxTestContext test) {
    replying(Addresses.DLQ_RETRY, new JsonObject().put("retried", 2))
        .compose(retry -> replying(Addresses.DLQ_DELETE, new JsonObject().put("deleted", 3)).map(delete -> List.of(retry, delete)))
        .compose(dlq -> asAcme(HttpMethod.POST, "/v1/dlq/retry?reason=timeout").send()
            .compose(retried -> asAcme(HttpMethod.DELETE, "/v1/dlq?workflow=orders").send().map(deleted -> {
              test.verify(() -> {
                assertThat(retried.statusCode()).isEqualTo(202);
                assertThat(retried.bodyAsJsonObject()).isEqualTo(new JsonObject().put("retried", 2));
                assertThat(deleted.statusCode()).isEqualTo(200);
                assertThat(deleted.bodyAsJsonObject()).isEqualTo(new JsonObject().put("deleted", 3));
                assertThat(dlq.get(0).only().body()).isEqualTo(new JsonObject().put("tenant", "acme").put("reason", "timeout"));
                assertThat(dlq.get(1).only().body()).isEqualTo(new JsonObject().put("tenant", "acme").put("workflow", "orders"));
              });
              return deleted;
            })))
        .onComplete(test.succeedingThenComplete());
  }

  // ---- failures

  @Test
  void aProblemTheServiceSentIsAnsweredAsSentWithItsExtensions(VertxTestContext test) {
    failing(Addresses.WORKFLOW_SUBMIT, ProblemType.RUN_FAILED.problem("Step 'only' failed after 3 attempts")
        .with("dlqId", "d-5").with("runId", "run-7"))
        .compose(workflow -> submit("{}"))
        .onComplete(then(test, response -> {
          JsonObject problem = assertProblem(response, ProblemType.RUN_FAILED, "/v1/workflows/orders/runs");
          assertThat(problem.getString("detail")).isEqualTo("Step 'only' failed after 3 attempts");
          assertThat(problem.getString("dlqId")).isEqualTo("d-5");
          assertThat(problem.getString("runId")).isEqualTo("run-7");
          assertThat(response.getHeader("Retry-After")).isNull();
        }));
  }

  @Test
  void aProblemThatSaysWhenToComeBackSetsRetryAfter(VertxTestContext test) {
    failing(Addresses.WORKFLOW_SUBMIT, ProblemType.BULKHEAD_FULL.problem("acme runs 16 already")
        .with("retryAfterSeconds", 3))
        .compose(workflow -> submit("{}"))
        .onComplete(then(test, response -> {
          assertThat(assertProblem(response, ProblemType.BULKHEAD_FULL, "/v1/workflows/orders/runs")
              .getInteger("retryAfterSeconds")).isEqualTo(3);
          assertThat(response.getHeader("Retry-After")).isEqualTo("3");
        }));
  }

  @Test
  void aReplayedFailureIsMarkedByTheHeaderNotTheBody(VertxTestContext test) {
    failing(Addresses.WORKFLOW_SUBMIT, ProblemType.RUN_FAILED.problem("failed before").with(Problem.REPLAYED_FIELD, true))
        .compose(workflow -> submit("{}", "Idempotency-Key", "key-1"))
        .onComplete(then(test, response -> {
          JsonObject problem = assertProblem(response, ProblemType.RUN_FAILED, "/v1/workflows/orders/runs");
          assertThat(response.getHeader("Idempotent-Replayed")).isEqualTo("true");
          assertThat(problem.containsKey(Problem.REPLAYED_FIELD)).isFalse();
        }));
  }

  @Test
  void aFailureThatIsNotAProblemIs500WithoutItsText(VertxTestContext test) {
    service(Addresses.WORKFLOW_STATUS, message -> message.fail(500, "NullPointerException in RedisRunStore.get"))
        .compose(status -> asAcme(HttpMethod.GET, "/v1/runs/run-7").send())
        .onComplete(then(test, response -> {
          JsonObject problem = assertProblem(response, ProblemType.INTERNAL, "/v1/runs/run-7");
          assertThat(problem.getString("detail")).isEqualTo("The request could not be completed");
          assertThat(response.bodyAsString()).doesNotContain("NullPointer", "Redis");
        }));
  }

  /** The gateway reads the reply to decide the status; one it cannot read is a 500, never a hanging request. */
  @Test
  void aReplyTheGatewayCannotReadIs500(VertxTestContext test) {
    replying(Addresses.DLQ_RETRY, new JsonObject().put("retried", "all of them"))
        .compose(dlq -> asAcme(HttpMethod.POST, "/v1/dlq/d1/retry").send())
        .onComplete(then(test, response -> assertProblem(response, ProblemType.INTERNAL, "/v1/dlq/d1/retry")));
  }

  @Test
  void aServiceNoNodeServesIs503ComeBackInASecond(VertxTestContext test) {
    asAcme(HttpMethod.GET, "/v1/dlq").send().onComplete(then(test, response -> {
      assertThat(assertProblem(response, ProblemType.DEPENDENCY_UNAVAILABLE, "/v1/dlq").getString("detail"))
          .isEqualTo("No node serves this request right now");
      assertThat(response.getHeader("Retry-After")).isEqualTo("1");
    }));
  }

  /**
   * A sync submit waits for the workflow service as long as the workflow may run plus a margin,
   * then answers 503: never sooner (the run may still answer), and not after the test's timeout.
   */
  @Test
  void aWorkflowServiceThatDoesNotAnswerIs503AfterTheRunsTimeoutAndTheMargin(VertxTestContext test) {
    long[] sentAt = new long[1];
    service(Addresses.WORKFLOW_SUBMIT, message -> { })
        .compose(silent -> {
          sentAt[0] = System.nanoTime();
          return submit("{}");
        })
        .onComplete(then(test, response -> {
          Duration waited = Duration.ofNanos(System.nanoTime() - sentAt[0]);
          assertThat(assertProblem(response, ProblemType.DEPENDENCY_UNAVAILABLE, "/v1/workflows/orders/runs")
              .getString("detail")).isEqualTo("A platform service did not answer in time");
          assertThat(response.getHeader("Retry-After")).isEqualTo("1");
          assertThat(waited).isGreaterThanOrEqualTo(ORDERS_TIMEOUT.plus(SYNC_MARGIN));
        }));
  }
}
