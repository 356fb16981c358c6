package dev.wfgateway.ratelimit;

import dev.wfgateway.common.NodeStatus;
import static dev.wfgateway.ratelimit.EventBusChecks.send;
import static dev.wfgateway.ratelimit.PlatformConfigJson.policy;
import static dev.wfgateway.ratelimit.PlatformConfigJson.rateLimits;
import static org.assertj.core.api.Assertions.assertThat;

import dev.wfgateway.common.Addresses;
import dev.wfgateway.common.ProblemType;
import dev.wfgateway.common.messages.RateLimitDecision;
import dev.wfgateway.testkit.RedisFixture;
import dev.wfgateway.testkit.TestVertx;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The verticle as the gateway sees it: over the event bus, in both backends. */
@ExtendWith(VertxExtension.class)
class RateLimitVerticleTest {
  private static final JsonObject LIMITS = rateLimits("submit", policy("burst", 50, "1m"), policy("sustained", 80, "5m"));

  @RegisterExtension
  static final RedisFixture server = RedisFixture.perClass();

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private Vertx vertx;

  @BeforeEach
  void setUp() {
    server.flush();
    vertx = TestVertx.create();
  }

  @AfterEach
  void tearDown() throws Exception {
    TestVertx.close(vertx);
  }

  /** A command timeout generous enough that a slow first call on a cold JVM does not trip the breaker. */
  private static JsonObject redisConfig(JsonObject limits) {
    return PlatformConfigJson.redis(limits, new JsonObject().put("url", server.url()).put("commandTimeout", "5s"));
  }

  private Future<String> deploy(JsonObject config, int instances) {
    return vertx.deployVerticle(() -> new RateLimitVerticle(registry),
        new DeploymentOptions().setConfig(config).setInstances(instances));
  }

  private Object mode() {
    return vertx.sharedData().getLocalMap(NodeStatus.MAP).get(NodeStatus.RATELIMIT_MODE);
  }

  private Future<RateLimitDecision> check(String tenant, String route) {
    return send(vertx, tenant, route, 1);
  }

  /** The check's failure, which must be a reply failure with a problem as its message. */
  private Future<ReplyException> failure(Object body) {
    return vertx.eventBus().request(Addresses.RATELIMIT_CHECK, body).transform(ar -> {
      if (ar.succeeded() || !(ar.cause() instanceof ReplyException reply)) {
        return Future.failedFuture(new AssertionError("expected a reply failure, got " + ar));
      }
      return Future.succeededFuture(reply);
    });
  }

  private Future<List<RateLimitDecision>> inParallel(int requests) {
    List<Future<RateLimitDecision>> sent = new ArrayList<>();
    for (int i = 0; i < requests; i++) {
      sent.add(check("acme", "submit"));
    }
    return Future.all(sent).map(all -> sent.stream().map(Future::result).toList());
  }

  private static String type(ReplyException failure) {
    return new JsonObject(failure.getMessage()).getString("type");
  }

  @Test
  void concurrentChecksOnFourInstancesAllowExactlyTheLimitInRedis(VertxTestContext test) {
    deploy(redisConfig(LIMITS), 4).compose(id -> inParallel(400)).onComplete(test.succeeding(decisions -> test.verify(() -> {
      assertThat(decisions).filteredOn(RateLimitDecision::allowed).hasSize(50);
      assertThat(decisions).allMatch(d -> d.mode().equals(RateLimitDecision.MODE_REDIS));
      assertThat(server.command("ZCARD rl:{acme}:submit:sustained")).isEqualTo(":50");
      test.completeNow();
    })));
  }

  @Test
  void concurrentChecksOnFourInstancesAllowExactlyTheLimitLocally(VertxTestContext test) {
    deploy(PlatformConfigJson.local(LIMITS), 4).compose(id -> inParallel(400))
        .onComplete(test.succeeding(decisions -> test.verify(() -> {
          assertThat(decisions).filteredOn(RateLimitDecision::allowed).hasSize(50);
          assertThat(decisions).allMatch(d -> d.mode().equals(RateLimitDecision.MODE_LOCAL));
          test.completeNow();
        })));
  }

  @Test
  void localModeIsExactAcrossPolicies(VertxTestContext test) {
    deploy(PlatformConfigJson.local(rateLimits("submit", policy("burst", 3, "1m"), policy("sustained", 2, "1m"))), 2)
        .compose(id -> check("acme", "submit"))
        .compose(first -> check("acme", "submit").map(second -> first.allowed() && second.allowed()))
        .compose(bothAllowed -> {
          test.verify(() -> assertThat(bothAllowed).isTrue());
          return check("acme", "submit");
        })
        .compose(denied -> {
          test.verify(() -> {
            assertThat(denied.allowed()).isFalse();
            assertThat(denied.policies().get(0).remaining()).isEqualTo(1);
          });
          return check("acme", "submit");
        })
        .compose(again -> {
          test.verify(() -> assertThat(again.policies().get(0).remaining()).isEqualTo(1));
          return check("globex", "submit");
        })
        .onComplete(test.succeeding(otherTenant -> test.verify(() -> {
          assertThat(otherTenant.allowed()).isTrue();
          test.completeNow();
        })));
  }

  @Test
  void theModeInForceIsPublishedAndMeasured(VertxTestContext test) {
    deploy(redisConfig(LIMITS), 1)
        .compose(id -> {
          test.verify(() -> {
            assertThat(mode()).isEqualTo("redis");
            assertThat(registry.get(RateLimitMetrics.MODE).gauge().value()).isEqualTo(1.0);
          });
          return check("acme", "submit");
        })
        .onComplete(test.succeeding(decision -> test.verify(() -> {
          assertThat(decision.mode()).isEqualTo("redis");
          assertThat(registry.get(RateLimitMetrics.SCRIPT).timer().count()).isEqualTo(1);
          assertThat(registry.get(RateLimitMetrics.DECISIONS).tags("tenant", "acme", "route", "submit", "policy",
              "burst", "outcome", "allowed", "mode", "redis").counter().count()).isEqualTo(1.0);
          test.completeNow();
        })));
  }

  @Test
  void localBackendPublishesLocalMode(VertxTestContext test) {
    deploy(PlatformConfigJson.local(LIMITS), 1).onComplete(test.succeeding(id -> test.verify(() -> {
      assertThat(mode()).isEqualTo("local");
      assertThat(registry.get(RateLimitMetrics.MODE).gauge().value()).isZero();
      test.completeNow();
    })));
  }

  @Test
  void deniedDecisionsAreCountedForTheDenyingPolicyOnly(VertxTestContext test) {
    deploy(redisConfig(rateLimits("submit", policy("burst", 5, "1m"), policy("sustained", 1, "1m"))), 1)
        .compose(id -> check("acme", "submit"))
        .compose(allowed -> check("acme", "submit"))
        .onComplete(test.succeeding(denied -> test.verify(() -> {
          assertThat(denied.allowed()).isFalse();
          assertThat(registry.get(RateLimitMetrics.DECISIONS).tags("policy", "sustained", "outcome", "denied")
              .counter().count()).isEqualTo(1.0);
          assertThat(registry.find(RateLimitMetrics.DECISIONS).tags("policy", "burst", "outcome", "denied").counter())
              .isNull();
          test.completeNow();
        })));
  }

  @Test
  void aRouteWithoutPoliciesIsAllowed(VertxTestContext test) {
    deploy(redisConfig(LIMITS), 1).compose(id -> check("acme", "export"))
        .onComplete(test.succeeding(decision -> test.verify(() -> {
          assertThat(decision.allowed()).isTrue();
          assertThat(decision.policies()).isEmpty();
          assertThat(decision.retryAfterSeconds()).isNull();
          assertThat(decision.mode()).isEqualTo("redis");
          test.completeNow();
        })));
  }

  @Test
  void anUnknownTenantIsNotFound(VertxTestContext test) {
    deploy(redisConfig(LIMITS), 1)
        .compose(id -> failure(new JsonObject().put("tenant", "nobody").put("route", "submit")))
        .onComplete(test.succeeding(failure -> test.verify(() -> {
          assertThat(failure.failureCode()).isEqualTo(404);
          assertThat(type(failure)).isEqualTo(ProblemType.NOT_FOUND.uri());
          test.completeNow();
        })));
  }

  @Test
  void badInputIsRejectedWithAProblem(VertxTestContext test) {
    deploy(redisConfig(LIMITS), 1)
        .compose(id -> failure(new JsonObject().put("tenant", "acme")))
        .compose(noRoute -> {
          test.verify(() -> {
            assertThat(noRoute.failureCode()).isEqualTo(400);
            assertThat(type(noRoute)).isEqualTo(ProblemType.VALIDATION_FAILED.uri());
          });
          return failure(new JsonObject().put("tenant", "acme").put("route", "submit").put("cost", 0));
        })
        .compose(zeroCost -> {
          test.verify(() -> assertThat(zeroCost.failureCode()).isEqualTo(400));
          return failure("tenant=acme");
        })
        .onComplete(test.succeeding(notJson -> test.verify(() -> {
          assertThat(notJson.failureCode()).isEqualTo(400);
          assertThat(new JsonObject(notJson.getMessage()).getInteger("status")).isEqualTo(400);
          test.completeNow();
        })));
  }
}
