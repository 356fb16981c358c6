package dev.wfgateway.workflow;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wfgateway.common.Addresses;
import dev.wfgateway.common.MetricNames;
import dev.wfgateway.common.config.PlatformConfig;
import dev.wfgateway.common.config.StepDefinition;
import dev.wfgateway.testkit.TestVertx;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** One breaker per tenant and name, on an injected clock: a tenant's failures open only its own. */
@ExtendWith(VertxExtension.class)
class CircuitBreakersTest {
  private static final long MS = 1_000_000L;
  private static final String NAME = "shared-host";

  private Vertx vertx;
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final List<JsonObject> events = new CopyOnWriteArrayList<>();
  /** Completes when the marker {@link #eventsSoFar} publishes comes back. */
  private volatile Promise<Void> marker;
  private long now = 1_000_000 * MS;
  private CircuitBreakers breakers;
  private StepDefinition step;

  @BeforeEach
  void setUp(VertxTestContext test) {
    vertx = TestVertx.create();
    JsonObject call = WorkflowFixture.eventBusStep("call", "test.shared", "none").put("circuitBreaker", NAME);
    PlatformConfig config = PlatformConfig.fromJson(WorkflowFixture.config(new JsonObject()
            .put("echo", WorkflowFixture.workflow(call)))
        .put("circuitBreakers", new JsonObject().put(NAME, new JsonObject().put("failureRateThreshold", 0.5)
            .put("minimumCalls", 4).put("window", "10s").put("openFor", "5s").put("halfOpenCalls", 1))));
    step = config.workflows().get("echo").steps().get(0);
    breakers = new CircuitBreakers(vertx, config, registry, () -> now);
    vertx.eventBus().<JsonObject>consumer(Addresses.EVENTS_CIRCUIT, m -> {
      if (m.body().containsKey("marker")) {
        marker.complete();
      } else {
        events.add(m.body());
      }
    }).completion().onComplete(test.succeedingThenComplete());
  }

  @AfterEach
  void tearDown() throws Exception {
    TestVertx.close(vertx);
  }

  private void fail(String tenant, int calls) {
    FailureRateBreaker breaker = breakers.forTarget(step.target(), tenant);
    for (int i = 0; i < calls; i++) {
      assertThat(breaker.tryAcquire(now)).as("%s's call %d let through", tenant, i).isTrue();
      breaker.onResult(false, MS, now);
    }
  }

  /** Each tenant's breaker of {@link #NAME}, by tenant, as {@code describe} lists them. */
  private Map<String, JsonObject> described() {
    return breakers.describe().stream().map(JsonObject.class::cast)
        .filter(b -> NAME.equals(b.getString("name")))
        .collect(Collectors.toMap(b -> b.getString("tenant"), b -> b));
  }

  private double stateGauge(String tenant) {
    return registry.get(MetricNames.CIRCUIT_STATE).tags("name", NAME, "tenant", tenant).gauge().value();
  }

  /** The events published so far, and forgets them: a marker published after them arrives after them. */
  private Future<List<JsonObject>> eventsSoFar() {
    marker = Promise.promise();
    vertx.eventBus().publish(Addresses.EVENTS_CIRCUIT, new JsonObject().put("marker", true));
    return marker.future().map(v -> {
      List<JsonObject> before = List.copyOf(events);
      events.clear();
      return before;
    });
  }

  @Test
  void aTenantsFailuresOpenItsOwnBreakerOnly(VertxTestContext test) {
    fail("globex", 4);

    assertThat(breakers.forTarget(step.target(), "globex").tryAcquire(now)).as("globex refused").isFalse();
    assertThat(breakers.forTarget(step.target(), "acme").tryAcquire(now)).as("acme still called").isTrue();
    Map<String, JsonObject> byTenant = described();
    assertThat(byTenant.get("globex").getString("state")).isEqualTo("open");
    assertThat(byTenant.get("acme").getString("state")).isEqualTo("closed");
    assertThat(byTenant.get("acme").getInteger("minimumCalls")).as("the name's policy, for every tenant").isEqualTo(4);
    assertThat(stateGauge("globex")).isEqualTo(1.0);
    assertThat(stateGauge("acme")).isZero();
    assertThat(registry.get("platform.circuit.failure.rate").tags("name", NAME, "tenant", "globex").gauge().value())
        .isEqualTo(1.0);
    eventsSoFar().onComplete(test.succeeding(published -> test.verify(() -> {
      assertThat(published).singleElement().satisfies(event -> {
        assertThat(event.getString("name")).isEqualTo(NAME);
        assertThat(event.getString("tenant")).isEqualTo("globex");
        assertThat(event.getString("state")).isEqualTo("open");
      });
      test.completeNow();
    })));
  }

  @Test
  void aResetByNameAndTenantClosesThatTenantsBreakerAndByNameEveryTenants(VertxTestContext test) {
    fail("globex", 4);
    fail("acme", 4);

    eventsSoFar().compose(opened -> {
      assertThat(opened).extracting(e -> e.getString("tenant") + ":" + e.getString("state"))
          .containsExactly("globex:open", "acme:open");
      breakers.reset(NAME, "acme");
      assertThat(described().get("acme").getString("state")).isEqualTo("closed");
      assertThat(described().get("globex").getString("state")).isEqualTo("open");
      breakers.reset("another-name", null);
      assertThat(described().get("globex").getString("state")).isEqualTo("open");

      breakers.reset(NAME, null);
      assertThat(described().values()).extracting(b -> b.getString("state")).containsOnly("closed");
      return eventsSoFar();
    }).onComplete(test.succeeding(closed -> test.verify(() -> {
      assertThat(closed).extracting(e -> e.getString("tenant") + ":" + e.getString("state"))
          .containsExactly("acme:closed", "globex:closed");
      test.completeNow();
    })));
  }

  @Test
  void theGaugesReportHalfOpenWithoutMovingTheBreaker(VertxTestContext test) {
    fail("globex", 4);

    eventsSoFar().compose(opened -> {
      now += 5_000 * MS;
      assertThat(stateGauge("globex")).isEqualTo(2.0);
      assertThat(described().get("globex").getString("state")).isEqualTo("half_open");
      return eventsSoFar();
    }).compose(afterReading -> {
      assertThat(afterReading).as("reading published nothing").isEmpty();
      assertThat(breakers.forTarget(step.target(), "globex").tryAcquire(now)).as("the probe").isTrue();
      return eventsSoFar();
    }).onComplete(test.succeeding(probing -> test.verify(() -> {
      assertThat(probing).extracting(e -> e.getString("state")).containsExactly("half_open");
      test.completeNow();
    })));
  }
}
