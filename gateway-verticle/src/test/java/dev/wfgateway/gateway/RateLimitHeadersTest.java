package dev.wfgateway.gateway;

import static dev.wfgateway.gateway.GatewayFixtures.then;
import static org.assertj.core.api.Assertions.assertThat;

import dev.wfgateway.common.messages.PolicyState;
import dev.wfgateway.common.messages.RateLimitDecision;
import dev.wfgateway.testkit.TestVertx;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The rate-limit fields a decision puts on a response, read back from a real server that applies
 * the decision the test sent it; and which policy counts as the tightest.
 */
@ExtendWith(VertxExtension.class)
class RateLimitHeadersTest {
  private static Vertx vertx;
  private static WebClient client;

  @BeforeAll
  static void start(VertxTestContext test) {
    vertx = TestVertx.create();
    vertx.createHttpServer()
        .requestHandler(request -> request.body().onSuccess(body -> {
          RateLimitHeaders.apply(request.response(), RateLimitDecision.fromJson(body.toJsonObject()));
          request.response().end();
        }))
        .listen(0, "127.0.0.1")
        .onComplete(test.succeeding(server -> {
          client = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1")
              .setDefaultPort(server.actualPort()));
          test.completeNow();
        }));
  }

  @AfterAll
  static void stop() throws Exception {
    TestVertx.close(vertx);
  }

  private static Future<MultiMap> headersFor(boolean allowed, Long retryAfter, PolicyState... policies) {
    return client.request(HttpMethod.POST, "/")
        .sendJsonObject(new RateLimitDecision(allowed, List.of(policies), retryAfter, RateLimitDecision.MODE_LOCAL).toJson())
        .map(response -> response.headers());
  }

  private static RateLimitDecision decision(PolicyState... policies) {
    return new RateLimitDecision(true, List.of(policies), null, RateLimitDecision.MODE_REDIS);
  }

  /** {@code tightest} is the tightest of the two, in whichever order the limiter listed them. */
  private static void assertTightest(PolicyState tightest, PolicyState other) {
    assertThat(RateLimitHeaders.tightest(decision(other, tightest))).isEqualTo(tightest);
    assertThat(RateLimitHeaders.tightest(decision(tightest, other))).isEqualTo(tightest);
  }

  @Test
  void theTightestPolicyIsTheOneWithFewestRemaining() {
    assertTightest(new PolicyState("burst", 20, 1, 3, 1), new PolicyState("sustained", 1000, 900, 400, 600));
  }

  @Test
  void betweenEquallyRemainingPoliciesTheOneThatFreesLastIsTightest() {
    assertTightest(new PolicyState("late", 100, 900, 0, 850), new PolicyState("soon", 10, 1, 0, 1));
  }

  @Test
  void anAllowedDecisionDescribesEveryPolicyAndTheTightestInDetailWithoutRetryAfter(VertxTestContext test) {
    headersFor(true, null, new PolicyState("sustained", 1000, 900, 400, 600), new PolicyState("burst", 20, 1, 3, 1))
        .onComplete(then(test, headers -> {
          assertThat(headers.get("RateLimit-Policy")).isEqualTo("\"sustained\";q=1000;w=900, \"burst\";q=20;w=1");
          assertThat(headers.get("RateLimit")).isEqualTo("\"burst\";r=3;t=1");
          assertThat(headers.get("X-RateLimit-Limit")).isEqualTo("20");
          assertThat(headers.get("X-RateLimit-Remaining")).isEqualTo("3");
          assertThat(headers.get("X-RateLimit-Reset")).isEqualTo("1");
          assertThat(headers.contains("Retry-After")).isFalse();
        }));
  }

  /** A window that frees within the second still says 1: zero would tell a client to retry at once. */
  @Test
  void aResetUnderASecondIsSaidAsOne(VertxTestContext test) {
    headersFor(false, null, new PolicyState("burst", 20, 1, 0, 0)).onComplete(then(test, headers -> {
      assertThat(headers.get("RateLimit")).isEqualTo("\"burst\";r=0;t=1");
      assertThat(headers.get("X-RateLimit-Reset")).isEqualTo("1");
      assertThat(headers.get("Retry-After")).isEqualTo("1");
    }));
  }

  @Test
  void aDeniedDecisionSaysToComeBackAfterItsRetryAfter(VertxTestContext test) {
    headersFor(false, 7L, new PolicyState("burst", 20, 10, 0, 4)).onComplete(then(test, headers ->
        assertThat(headers.get("Retry-After")).isEqualTo("7")));
  }

  /** Coming back before the tightest window frees would only be refused again. */
  @Test
  void aRetryAfterShorterThanTheTightestResetIsRaisedToIt(VertxTestContext test) {
    headersFor(false, 2L, new PolicyState("burst", 20, 10, 0, 9)).onComplete(then(test, headers ->
        assertThat(headers.get("Retry-After")).isEqualTo("9")));
  }

  @Test
  void aDeniedDecisionWithoutRetryAfterSaysTheTightestReset(VertxTestContext test) {
    headersFor(false, null, new PolicyState("burst", 20, 10, 0, 6)).onComplete(then(test, headers ->
        assertThat(headers.get("Retry-After")).isEqualTo("6")));
  }

  @Test
  void aDecisionWithoutPoliciesAddsNoField(VertxTestContext test) {
    headersFor(false, 5L).onComplete(then(test, headers -> {
      for (String name : List.of("RateLimit-Policy", "RateLimit", "X-RateLimit-Limit", "X-RateLimit-Remaining",
          "X-RateLimit-Reset", "Retry-After")) {
        assertThat(headers.contains(name)).as(name).isFalse();
      }
    }));
  }
}
