package dev.wfgateway.workflow;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wfgateway.common.Addresses;
import dev.wfgateway.testkit.TestVertx;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The breaker around a real HTTP downstream, driven through the workflow verticle. */
@ExtendWith(VertxExtension.class)
class CircuitBreakerStepTest {
  private Vertx vertx;
  private WorkflowFixture fixture;
  private final AtomicInteger downstreamCalls = new AtomicInteger();
  private final AtomicInteger downstreamStatus = new AtomicInteger(500);
  private final List<String> circuitEvents = new CopyOnWriteArrayList<>();

  @BeforeEach
  void setUp(VertxTestContext test) {
    vertx = TestVertx.create();
    fixture = new WorkflowFixture(vertx);
    vertx.eventBus().<JsonObject>consumer(Addresses.EVENTS_CIRCUIT, m -> circuitEvents.add(m.body().getString("state")));
    vertx.createHttpServer().requestHandler(req -> {
      downstreamCalls.incrementAndGet();
      req.response().setStatusCode(downstreamStatus.get()).end("{}");
    }).listen(0, "127.0.0.1").compose(downstream -> {
      JsonObject step = new JsonObject().put("name", "call").put("retry", "none").put("circuitBreaker", "down")
          .put("http", new JsonObject().put("url", "http://127.0.0.1:" + downstream.actualPort() + "/x"));
      JsonObject config = WorkflowFixture.config(new JsonObject()
              .put("echo", WorkflowFixture.workflow(step.copy()))
              .put("guarded", WorkflowFixture.workflow(step)))
          .put("circuitBreakers", new JsonObject().put("down", new JsonObject().put("failureRateThreshold", 0.5)
              .put("minimumCalls", 4).put("window", "10s").put("openFor", "300ms").put("halfOpenCalls", 2)));
      return fixture.deploy(config, 1);
    }).onComplete(test.succeedingThenComplete());
  }

  @AfterEach
  void tearDown() throws Exception {
    TestVertx.close(vertx);
  }

  /** A run's record, or the problem it failed with. */
  private Future<JsonObject> run() {
    return fixture.submit("wide", "guarded", new JsonObject(), false)
        .recover(e -> Future.succeededFuture(WorkflowFixture.problem(e)));
  }

  private Future<String> state() {
    return vertx.eventBus().<JsonObject>request(Addresses.WORKFLOW_BREAKERS + ".standalone", new JsonObject())
        .map(reply -> reply.body().getJsonArray("breakers").getJsonObject(0).getString("state"));
  }

  private Future<Void> stateIs(String expected, String why) {
    return state().map(state -> {
      assertThat(state).as(why).isEqualTo(expected);
      return null;
    });
  }

  private Future<Void> becomes(String expected) {
    return fixture.until("breaker " + expected, () -> state().map(expected::equals));
  }

  /** Three failed runs leave it closed (below the minimum calls), the fourth opens it. */
  private Future<Void> openTheBreaker() {
    downstreamStatus.set(500);
    Future<Void> runs = Future.succeededFuture();
    for (int i = 0; i < 3; i++) {
      runs = runs.compose(v -> run()).compose(v -> stateIs("closed", "below the minimum calls"));
    }
    return runs.compose(v -> run()).compose(v -> stateIs("open", "at the failure rate"));
  }

  @Test
  void opensAtTheRateFailsFastHalfOpensAndClosesAfterTheProbes(VertxTestContext test) {
    int[] callsWhenOpened = new int[1];
    openTheBreaker()
        .compose(v -> {
          callsWhenOpened[0] = downstreamCalls.get();
          return run();
        })
        .compose(rejected -> {
          assertThat(rejected.getInteger("failureCode")).isEqualTo(502);
          assertThat(downstreamCalls.get()).as("no call while open").isEqualTo(callsWhenOpened[0]);
          assertThat(fixture.deadLetters.get(fixture.deadLetters.size() - 1).getString("reason"))
              .isEqualTo("circuit_open");
          downstreamStatus.set(200);
          return becomes("half_open");
        })
        .compose(v -> run())
        .compose(probe -> {
          assertThat(probe.getString("status")).isEqualTo("succeeded");
          return stateIs("half_open", "one probe is not enough");
        })
        .compose(v -> run())
        .compose(probe -> {
          assertThat(probe.getString("status")).isEqualTo("succeeded");
          return stateIs("closed", "after both probes");
        })
        .compose(v -> fixture.until("three circuit events", () -> Future.succeededFuture(circuitEvents.size() >= 3)))
        .onComplete(test.succeeding(v -> test.verify(() -> {
          assertThat(circuitEvents).containsExactly("open", "half_open", "closed");
          test.completeNow();
        })));
  }

  @Test
  void aFailedProbeOpensItAgainAndAdminResetClosesIt(VertxTestContext test) {
    openTheBreaker()
        .compose(v -> becomes("half_open"))
        .compose(v -> run())
        .compose(probe -> {
          assertThat(probe.getInteger("failureCode")).isEqualTo(502);
          return stateIs("open", "a failed probe");
        })
        .compose(v -> {
          vertx.eventBus().publish(Addresses.WORKFLOW_BREAKERS_RESET, new JsonObject().put("name", "down"));
          return becomes("closed");
        })
        .onComplete(test.succeeding(v -> test.verify(() -> {
          assertThat(fixture.registry.get("platform.circuit.state").tag("name", "down").gauge().value()).isZero();
          test.completeNow();
        })));
  }
}
