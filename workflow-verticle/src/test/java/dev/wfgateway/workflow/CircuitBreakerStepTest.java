package dev.wfgateway.workflow;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wfgateway.common.Addresses;
import dev.wfgateway.testkit.Await;
import dev.wfgateway.testkit.TestVertx;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The breaker around a real HTTP downstream, driven through the workflow verticle. */
class CircuitBreakerStepTest {
  private Vertx vertx;
  private WorkflowFixture fixture;
  private final AtomicInteger downstreamCalls = new AtomicInteger();
  private final AtomicInteger downstreamStatus = new AtomicInteger(500);
  private final List<String> circuitEvents = new CopyOnWriteArrayList<>();

  @BeforeEach
  void setUp() {
    vertx = TestVertx.create();
    fixture = new WorkflowFixture(vertx);
    HttpServer downstream = Await.result(vertx.createHttpServer().requestHandler(req -> {
      downstreamCalls.incrementAndGet();
      req.response().setStatusCode(downstreamStatus.get()).end("{}");
    }).listen(0, "127.0.0.1"));
    vertx.eventBus().<JsonObject>consumer(Addresses.EVENTS_CIRCUIT, m -> circuitEvents.add(m.body().getString("state")));
    JsonObject step = new JsonObject().put("name", "call").put("retry", "none").put("circuitBreaker", "down")
        .put("http", new JsonObject().put("url", "http://127.0.0.1:" + downstream.actualPort() + "/x"));
    JsonObject config = WorkflowFixture.config(new JsonObject()
            .put("echo", WorkflowFixture.workflow(step.copy()))
            .put("guarded", WorkflowFixture.workflow(step)))
        .put("circuitBreakers", new JsonObject().put("down", new JsonObject().put("failureRateThreshold", 0.5)
            .put("minimumCalls", 4).put("window", "10s").put("openFor", "300ms").put("halfOpenCalls", 2)));
    fixture.deploy(config, 1);
  }

  @AfterEach
  void tearDown() throws Exception {
    TestVertx.close(vertx);
  }

  private JsonObject run() {
    return Await.result(fixture.submit("wide", "guarded", new JsonObject(), false)
        .recover(e -> io.vertx.core.Future.succeededFuture(WorkflowFixture.problem(e))));
  }

  private String state() {
    JsonObject reply = (JsonObject) Await.result(vertx.eventBus().request(Addresses.WORKFLOW_BREAKERS + ".standalone",
        new JsonObject())).body();
    JsonArray breakers = reply.getJsonArray("breakers");
    return breakers.getJsonObject(0).getString("state");
  }

  private void openTheBreaker() {
    downstreamStatus.set(500);
    for (int i = 0; i < 3; i++) {
      run();
      assertThat(state()).as("below the minimum calls").isEqualTo("closed");
    }
    run();
    assertThat(state()).isEqualTo("open");
  }

  @Test
  void opensAtTheRateFailsFastHalfOpensAndClosesAfterTheProbes() {
    openTheBreaker();
    int callsWhenOpened = downstreamCalls.get();

    JsonObject rejected = run();
    assertThat(rejected.getInteger("failureCode")).isEqualTo(502);
    assertThat(downstreamCalls.get()).as("no call while open").isEqualTo(callsWhenOpened);
    assertThat(fixture.deadLetters.get(fixture.deadLetters.size() - 1).getString("reason")).isEqualTo("circuit_open");

    downstreamStatus.set(200);
    Await.until("half open after openFor", Duration.ofSeconds(5), () -> "half_open".equals(state()));
    assertThat(run().getString("status")).isEqualTo("succeeded");
    assertThat(state()).as("one probe is not enough").isEqualTo("half_open");
    assertThat(run().getString("status")).isEqualTo("succeeded");
    assertThat(state()).isEqualTo("closed");
    Await.until("events", Duration.ofSeconds(5), () -> circuitEvents.size() == 3);
    assertThat(circuitEvents).containsExactly("open", "half_open", "closed");
  }

  @Test
  void aFailedProbeOpensItAgainAndAdminResetClosesIt() {
    openTheBreaker();
    Await.until("half open after openFor", Duration.ofSeconds(5), () -> "half_open".equals(state()));

    assertThat(run().getInteger("failureCode")).isEqualTo(502);
    assertThat(state()).isEqualTo("open");

    vertx.eventBus().publish(Addresses.WORKFLOW_BREAKERS_RESET, new JsonObject().put("name", "down"));
    Await.until("reset", Duration.ofSeconds(5), () -> "closed".equals(state()));
    assertThat(fixture.registry.get("platform.circuit.state").tag("name", "down").gauge().value()).isZero();
  }
}
