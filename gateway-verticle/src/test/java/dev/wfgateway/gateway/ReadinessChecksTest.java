package dev.wfgateway.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wfgateway.common.Addresses;
import dev.wfgateway.common.MetricNames;
import dev.wfgateway.common.NodeStatus;
import dev.wfgateway.common.config.PlatformConfig;
import dev.wfgateway.testkit.TestVertx;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.CheckResult;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What {@code /health/ready} says, from fake services on the event bus, the node-local status map
 * and breaker gauges in a registry: which situations take the node out (DOWN) and which only
 * degrade it.
 */
@ExtendWith(VertxExtension.class)
class ReadinessChecksTest {
  private Vertx vertx;
  private final MeterRegistry registry = new SimpleMeterRegistry();
  private ReadinessChecks readiness;

  @BeforeEach
  void setUp() {
    vertx = TestVertx.create();
  }

  @AfterEach
  void tearDown() throws Exception {
    if (readiness != null) {
      readiness.close().toCompletionStage().toCompletableFuture().get();
    }
    TestVertx.close(vertx);
  }

  private Future<CheckResult> check(JsonObject platform) {
    readiness = new ReadinessChecks(vertx, PlatformConfig.fromJson(platform), registry);
    return readiness.register(HealthChecks.create(vertx)).checkStatus();
  }

  private Future<CheckResult> check() {
    return check(new JsonObject());
  }

  private Future<Void> serve(String address, Consumer<Message<JsonObject>> answer) {
    return vertx.eventBus().<JsonObject>consumer(address, answer::accept).completion();
  }

  /** A limiter and a workflow node that both serve, and a writable DLQ. */
  private Future<Void> everythingServes() {
    return everythingServesAndTheWorkflowNodeSays(new JsonObject().put("store", "up"));
  }

  private Future<Void> everythingServesAndTheWorkflowNodeSays(JsonObject ready) {
    return serve(Addresses.RATELIMIT_CHECK, message -> message.fail(400, "{}"))
        .compose(v -> serve(Addresses.WORKFLOW_READY, message -> message.reply(ready)))
        .onSuccess(v -> vertx.sharedData().getLocalMap(NodeStatus.MAP).put(NodeStatus.DLQ_WRITABLE, true));
  }

  private static CheckResult part(CheckResult result, String id) {
    return result.getChecks().stream().filter(c -> c.getId().equals(id)).findFirst().orElseThrow();
  }

  private static void openBreaker(MeterRegistry registry, String name, String tenant, double state) {
    Gauge.builder(MetricNames.CIRCUIT_STATE, () -> state).tags("name", name, "tenant", tenant).register(registry);
  }

  @Test
  void whenEverythingServesTheNodeIsReady(VertxTestContext test) {
    everythingServes().compose(v -> check()).onComplete(test.succeeding(result -> test.verify(() -> {
      assertThat(result.getUp()).isTrue();
      assertThat(result.getChecks()).extracting(CheckResult::getId)
          .containsExactlyInAnyOrder("ratelimit", "workflow", "dlq", "circuitBreakers");
      test.completeNow();
    })));
  }

  @Test
  void withoutLimiterOrWorkflowNodeTheNodeIsDown(VertxTestContext test) {
    check().onComplete(test.succeeding(result -> test.verify(() -> {
      assertThat(result.getUp()).isFalse();
      assertThat(part(result, "ratelimit").getUp()).isFalse();
      assertThat(part(result, "ratelimit").getData()).isEqualTo(new JsonObject()
          .put("address", Addresses.RATELIMIT_CHECK).put("mode", "unknown").put("reason", "no node serves this address"));
      assertThat(part(result, "workflow").getUp()).isFalse();
      assertThat(part(result, "workflow").getData()).isEqualTo(new JsonObject()
          .put("address", Addresses.WORKFLOW_SUBMIT).put("reason", "no node serves this address"));
      assertThat(part(result, "dlq").getUp()).isTrue();
      assertThat(part(result, "dlq").getData()).isEqualTo(new JsonObject().put("writable", "not on this node"));
      test.completeNow();
    })));
  }

  /** The probe is an empty request: the validation failure it earns proves a limiter serves, as an answer does. */
  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void aLimiterThatRefusesOrAnswersTheProbeServesInTheModeItReports(boolean refuses, VertxTestContext test) {
    vertx.sharedData().getLocalMap(NodeStatus.MAP).put(NodeStatus.RATELIMIT_MODE, "local");
    serve(Addresses.RATELIMIT_CHECK, message -> {
      if (refuses) {
        message.fail(400, "{}");
      } else {
        message.reply(new JsonObject());
      }
    }).compose(v -> check()).onComplete(test.succeeding(result -> test.verify(() -> {
      assertThat(part(result, "ratelimit").getUp()).isTrue();
      assertThat(part(result, "ratelimit").getData()).isEqualTo(new JsonObject()
          .put("address", Addresses.RATELIMIT_CHECK).put("mode", "local"));
      test.completeNow();
    })));
  }

  @Test
  void aLimiterThatDoesNotAnswerWithinTheProbeTimeoutDoesNotServe(VertxTestContext test) {
    serve(Addresses.RATELIMIT_CHECK, message -> { }).compose(v -> check())
        .onComplete(test.succeeding(result -> test.verify(() -> {
          assertThat(part(result, "ratelimit").getUp()).isFalse();
          test.completeNow();
        })));
  }

  @Test
  void aRunStoreThatSomeTenantsCannotReachDegradesButServes(VertxTestContext test) {
    JsonObject degraded = new JsonObject().put("store", "degraded").put("unreachableTenants", new JsonArray().add("acme"))
        .put("draining", false);
    serve(Addresses.WORKFLOW_READY, message -> message.reply(degraded)).compose(v -> check())
        .onComplete(test.succeeding(result -> test.verify(() -> {
          assertThat(part(result, "workflow").getUp()).isTrue();
          assertThat(part(result, "workflow").getData()).isEqualTo(degraded.copy().put("address", Addresses.WORKFLOW_SUBMIT));
          test.completeNow();
        })));
  }

  @Test
  void aRunStoreNoTenantReachesTakesTheNodeOut(VertxTestContext test) {
    everythingServesAndTheWorkflowNodeSays(new JsonObject().put("store", "down"))
        .compose(v -> check())
        .onComplete(test.succeeding(result -> test.verify(() -> {
          assertThat(result.getUp()).isFalse();
          assertThat(part(result, "workflow").getData().getString("reason"))
              .isEqualTo("the run store does not answer for any tenant");
          test.completeNow();
        })));
  }

  @Test
  void aDrainingWorkflowNodeTakesTheNodeOut(VertxTestContext test) {
    everythingServesAndTheWorkflowNodeSays(new JsonObject().put("store", "up").put("draining", true))
        .compose(v -> check())
        .onComplete(test.succeeding(result -> test.verify(() -> {
          assertThat(result.getUp()).isFalse();
          assertThat(part(result, "workflow").getData().getString("reason")).isEqualTo("the workflow node is shutting down");
          test.completeNow();
        })));
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void theDlqIsReadyWhenItSaysItIsWritable(boolean writable, VertxTestContext test) {
    vertx.sharedData().getLocalMap(NodeStatus.MAP).put(NodeStatus.DLQ_WRITABLE, writable);
    check().onComplete(test.succeeding(result -> test.verify(() -> {
      assertThat(part(result, "dlq").getUp()).isEqualTo(writable);
      assertThat(part(result, "dlq").getData()).isEqualTo(new JsonObject().put("writable", writable));
      test.completeNow();
    })));
  }

  /** Open breakers are reported, each name once, but do not take the node out; half-open ones are not open. */
  @Test
  void openBreakersAreNamedWithoutTakingTheNodeOut(VertxTestContext test) {
    openBreaker(registry, "payments", "acme", 1.0);
    openBreaker(registry, "payments", "globex", 1.0);
    openBreaker(registry, "billing", "acme", 1.0);
    openBreaker(registry, "search", "acme", 0.5);
    openBreaker(registry, "mail", "acme", 0.0);
    everythingServes().compose(v -> check()).onComplete(test.succeeding(result -> test.verify(() -> {
      assertThat(result.getUp()).isTrue();
      assertThat(part(result, "circuitBreakers").getData())
          .isEqualTo(new JsonObject().put("open", new JsonArray().add("billing").add("payments")));
      test.completeNow();
    })));
  }

  /** Rate limits fall back to local counters and the DLQ spools: Redis gone degrades, it does not take the node out. */
  @Test
  void anUnreachableRedisIsReportedWithoutTakingTheNodeOut(VertxTestContext test) {
    JsonObject withRedis = new JsonObject().put("redis", new JsonObject().put("url", "redis://127.0.0.1:1"));
    everythingServes().compose(v -> check(withRedis)).onComplete(test.succeeding(result -> test.verify(() -> {
      assertThat(part(result, "redis").getUp()).isTrue();
      assertThat(part(result, "redis").getData()).isEqualTo(new JsonObject().put("reachable", false));
      assertThat(result.getUp()).isTrue();
      test.completeNow();
    })));
  }
}
