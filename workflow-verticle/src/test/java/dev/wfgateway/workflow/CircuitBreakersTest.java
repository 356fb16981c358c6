package dev.wfgateway.workflow;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wfgateway.common.Addresses;
import dev.wfgateway.common.MetricNames;
import dev.wfgateway.common.config.PlatformConfig;
import dev.wfgateway.common.config.StepDefinition;
import dev.wfgateway.testkit.Await;
import dev.wfgateway.testkit.TestVertx;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** One breaker per tenant and name, on an injected clock: a tenant's failures open only its own. */
class CircuitBreakersTest {
  private static final long MS = 1_000_000L;
  private static final String NAME = "shared-host";

  private Vertx vertx;
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final List<JsonObject> events = new CopyOnWriteArrayList<>();
  private long now = 1_000_000 * MS;
  private CircuitBreakers breakers;
  private StepDefinition step;

  @BeforeEach
  void setUp() {
    vertx = TestVertx.create();
    Await.result(vertx.eventBus().<JsonObject>consumer(Addresses.EVENTS_CIRCUIT, m -> events.add(m.body()))
        .completion());
    JsonObject call = WorkflowFixture.eventBusStep("call", "test.shared", "none").put("circuitBreaker", NAME);
    PlatformConfig config = PlatformConfig.fromJson(WorkflowFixture.config(new JsonObject()
            .put("echo", WorkflowFixture.workflow(call)))
        .put("circuitBreakers", new JsonObject().put(NAME, new JsonObject().put("failureRateThreshold", 0.5)
            .put("minimumCalls", 4).put("window", "10s").put("openFor", "5s").put("halfOpenCalls", 1))));
    step = config.workflows().get("echo").steps().get(0);
    breakers = new CircuitBreakers(vertx, config, registry, () -> now);
  }

  @AfterEach
  void tearDown() throws Exception {
    TestVertx.close(vertx);
  }

  private void fail(String tenant, int calls) {
    FailureRateBreaker breaker = breakers.forStep(step, tenant);
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

  /** The events published so far: a marker published after them arrives after them. */
  private List<JsonObject> eventsSoFar() {
    vertx.eventBus().publish(Addresses.EVENTS_CIRCUIT, new JsonObject().put("marker", true));
    Await.until("the marker", Duration.ofSeconds(5), () -> events.stream().anyMatch(e -> e.containsKey("marker")));
    List<JsonObject> before = List.copyOf(events.subList(0, events.size() - 1));
    events.clear();
    return before;
  }

  @Test
  void aTenantsFailuresOpenItsOwnBreakerOnly() {
    fail("globex", 4);

    assertThat(breakers.forStep(step, "globex").tryAcquire(now)).as("globex refused").isFalse();
    assertThat(breakers.forStep(step, "acme").tryAcquire(now)).as("acme still called").isTrue();
    Map<String, JsonObject> byTenant = described();
    assertThat(byTenant.get("globex").getString("state")).isEqualTo("open");
    assertThat(byTenant.get("acme").getString("state")).isEqualTo("closed");
    assertThat(byTenant.get("acme").getInteger("minimumCalls")).as("the name's policy, for every tenant").isEqualTo(4);
    assertThat(stateGauge("globex")).isEqualTo(1.0);
    assertThat(stateGauge("acme")).isZero();
    assertThat(registry.get("platform.circuit.failure.rate").tags("name", NAME, "tenant", "globex").gauge().value())
        .isEqualTo(1.0);
    assertThat(eventsSoFar()).singleElement().satisfies(event -> {
      assertThat(event.getString("name")).isEqualTo(NAME);
      assertThat(event.getString("tenant")).isEqualTo("globex");
      assertThat(event.getString("state")).isEqualTo("open");
    });
  }

  @Test
  void aResetByNameAndTenantClosesThatTenantsBreakerAndByNameEveryTenants() {
    fail("globex", 4);
    fail("acme", 4);
    eventsSoFar();

    breakers.reset(NAME, "acme");
    assertThat(described().get("acme").getString("state")).isEqualTo("closed");
    assertThat(described().get("globex").getString("state")).isEqualTo("open");
    breakers.reset("another-name", null);
    assertThat(described().get("globex").getString("state")).isEqualTo("open");

    breakers.reset(NAME, null);
    assertThat(described().values()).extracting(b -> b.getString("state")).containsOnly("closed");
    assertThat(eventsSoFar()).extracting(e -> e.getString("tenant") + ":" + e.getString("state"))
        .containsExactly("acme:closed", "globex:closed");
  }

  @Test
  void theGaugesReportHalfOpenWithoutMovingTheBreaker() {
    fail("globex", 4);
    eventsSoFar();
    now += 5_000 * MS;

    assertThat(stateGauge("globex")).isEqualTo(2.0);
    assertThat(described().get("globex").getString("state")).isEqualTo("half_open");
    assertThat(eventsSoFar()).as("reading published nothing").isEmpty();

    assertThat(breakers.forStep(step, "globex").tryAcquire(now)).as("the probe").isTrue();
    assertThat(eventsSoFar()).extracting(e -> e.getString("state")).containsExactly("half_open");
  }
}
