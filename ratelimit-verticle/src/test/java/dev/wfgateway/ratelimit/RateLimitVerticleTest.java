package dev.wfgateway.ratelimit;

import dev.wfgateway.common.NodeStatus;
import static dev.wfgateway.ratelimit.EventBusChecks.check;
import static dev.wfgateway.ratelimit.PlatformConfigJson.policy;
import static dev.wfgateway.ratelimit.PlatformConfigJson.rateLimits;
import static org.assertj.core.api.Assertions.assertThat;

import dev.wfgateway.common.Addresses;
import dev.wfgateway.common.ProblemType;
import dev.wfgateway.common.messages.RateLimitDecision;
import dev.wfgateway.testkit.Await;
import dev.wfgateway.testkit.RedisFixture;
import dev.wfgateway.testkit.TestVertx;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The verticle as the gateway sees it: over the event bus, in both backends. */
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

  private void deploy(JsonObject config, int instances) {
    Await.result(vertx.deployVerticle(() -> new RateLimitVerticle(registry),
        new DeploymentOptions().setConfig(config).setInstances(instances)));
  }

  private Object mode() {
    return vertx.sharedData().getLocalMap(NodeStatus.MAP).get(NodeStatus.RATELIMIT_MODE);
  }

  private ReplyException failure(Object body) {
    Throwable failure = Await.failure(vertx.eventBus().request(Addresses.RATELIMIT_CHECK, body));
    assertThat(failure).isInstanceOf(ReplyException.class);
    return (ReplyException) failure;
  }

  private List<RateLimitDecision> inParallel(int requests) {
    List<Future<RateLimitDecision>> sent = new ArrayList<>();
    for (int i = 0; i < requests; i++) {
      sent.add(EventBusChecks.send(vertx, "acme", "submit", 1));
    }
    Await.result(Future.all(sent));
    return sent.stream().map(Future::result).toList();
  }

  @Test
  void concurrentChecksOnFourInstancesAllowExactlyTheLimitInRedis() {
    deploy(redisConfig(LIMITS), 4);
    List<RateLimitDecision> decisions = inParallel(400);
    assertThat(decisions).filteredOn(RateLimitDecision::allowed).hasSize(50);
    assertThat(decisions).allMatch(d -> d.mode().equals(RateLimitDecision.MODE_REDIS));
    assertThat(server.command("ZCARD rl:{acme}:submit:sustained")).isEqualTo(":50");
  }

  @Test
  void concurrentChecksOnFourInstancesAllowExactlyTheLimitLocally() {
    deploy(PlatformConfigJson.local(LIMITS), 4);
    List<RateLimitDecision> decisions = inParallel(400);
    assertThat(decisions).filteredOn(RateLimitDecision::allowed).hasSize(50);
    assertThat(decisions).allMatch(d -> d.mode().equals(RateLimitDecision.MODE_LOCAL));
  }

  @Test
  void localModeIsExactAcrossPolicies() {
    deploy(PlatformConfigJson.local(rateLimits("submit", policy("burst", 3, "1m"), policy("sustained", 2, "1m"))), 2);
    assertThat(check(vertx, "acme", "submit").allowed()).isTrue();
    assertThat(check(vertx, "acme", "submit").allowed()).isTrue();
    RateLimitDecision denied = check(vertx, "acme", "submit");
    assertThat(denied.allowed()).isFalse();
    assertThat(denied.policies().get(0).remaining()).isEqualTo(1);
    assertThat(check(vertx, "acme", "submit").policies().get(0).remaining()).isEqualTo(1);
    assertThat(check(vertx, "globex", "submit").allowed()).isTrue();
  }

  @Test
  void theModeInForceIsPublishedAndMeasured() {
    deploy(redisConfig(LIMITS), 1);
    assertThat(mode()).isEqualTo("redis");
    assertThat(registry.get(RateLimitMetrics.MODE).gauge().value()).isEqualTo(1.0);
    assertThat(check(vertx, "acme", "submit").mode()).isEqualTo("redis");
    assertThat(registry.get(RateLimitMetrics.SCRIPT).timer().count()).isEqualTo(1);
    assertThat(registry.get(RateLimitMetrics.DECISIONS).tags("tenant", "acme", "route", "submit", "policy", "burst",
        "outcome", "allowed", "mode", "redis").counter().count()).isEqualTo(1.0);
  }

  @Test
  void localBackendPublishesLocalMode() {
    deploy(PlatformConfigJson.local(LIMITS), 1);
    assertThat(mode()).isEqualTo("local");
    assertThat(registry.get(RateLimitMetrics.MODE).gauge().value()).isZero();
  }

  @Test
  void deniedDecisionsAreCountedForTheDenyingPolicyOnly() {
    deploy(redisConfig(rateLimits("submit", policy("burst", 5, "1m"), policy("sustained", 1, "1m"))), 1);
    check(vertx, "acme", "submit");
    check(vertx, "acme", "submit");
    assertThat(registry.get(RateLimitMetrics.DECISIONS).tags("policy", "sustained", "outcome", "denied")
        .counter().count()).isEqualTo(1.0);
    assertThat(registry.find(RateLimitMetrics.DECISIONS).tags("policy", "burst", "outcome", "denied").counter())
        .isNull();
  }

  @Test
  void aRouteWithoutPoliciesIsAllowed() {
    deploy(redisConfig(LIMITS), 1);
    RateLimitDecision decision = check(vertx, "acme", "export");
    assertThat(decision.allowed()).isTrue();
    assertThat(decision.policies()).isEmpty();
    assertThat(decision.retryAfterSeconds()).isNull();
    assertThat(decision.mode()).isEqualTo("redis");
  }

  @Test
  void anUnknownTenantIsNotFound() {
    deploy(redisConfig(LIMITS), 1);
    ReplyException failure = failure(new JsonObject().put("tenant", "nobody").put("route", "submit"));
    assertThat(failure.failureCode()).isEqualTo(404);
    assertThat(new JsonObject(failure.getMessage()).getString("type")).isEqualTo(ProblemType.NOT_FOUND.uri());
  }

  @Test
  void badInputIsRejectedWithAProblem() {
    deploy(redisConfig(LIMITS), 1);
    ReplyException noRoute = failure(new JsonObject().put("tenant", "acme"));
    assertThat(noRoute.failureCode()).isEqualTo(400);
    assertThat(new JsonObject(noRoute.getMessage()).getString("type")).isEqualTo(ProblemType.VALIDATION_FAILED.uri());

    ReplyException zeroCost = failure(new JsonObject().put("tenant", "acme").put("route", "submit").put("cost", 0));
    assertThat(zeroCost.failureCode()).isEqualTo(400);

    ReplyException notJson = failure("tenant=acme");
    assertThat(notJson.failureCode()).isEqualTo(400);
    assertThat(new JsonObject(notJson.getMessage()).getInteger("status")).isEqualTo(400);
  }
}
