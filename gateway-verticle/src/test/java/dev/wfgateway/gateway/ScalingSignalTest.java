package dev.wfgateway.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wfgateway.common.MetricNames;
import dev.wfgateway.common.NodeStatus;
import dev.wfgateway.common.config.ScalingConfig;
import dev.wfgateway.common.scaling.NodeReport;
import dev.wfgateway.common.scaling.ScalingDecision;
import dev.wfgateway.common.scaling.ScalingPolicy;
import dev.wfgateway.testkit.TestVertx;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The scaling signal over the node directory (a standalone node's, so every listed node counts as
 * live): only the nodes that run workflows are sized, and the gauge an autoscaler reads follows
 * every decision. Targets: 30% CPU, so two workflow nodes at 90% want six.
 */
@ExtendWith(VertxExtension.class)
class ScalingSignalTest {
  private static final ScalingConfig TARGETS = new ScalingConfig(1, 10, 0.3, 1_000, 10, 0.5, 0.1);

  private Vertx vertx;
  private final MeterRegistry registry = new SimpleMeterRegistry();
  private ScalingSignal signal;

  @BeforeEach
  void setUp() {
    vertx = TestVertx.create();
    signal = new ScalingSignal(new ClusterView(vertx), new ScalingPolicy(TARGETS), registry);
  }

  @AfterEach
  void tearDown() throws Exception {
    TestVertx.close(vertx);
  }

  private Future<AsyncMap<String, String>> directory() {
    return vertx.sharedData().getAsyncMap(NodeStatus.DIRECTORY);
  }

  private Future<Void> report(String node, double cpu, String... verticles) {
    String report = new NodeReport(node, List.of(verticles), "local", true, new JsonObject(), cpu, 0, 0, 0, 0,
        "2026-06-01T12:00:00Z").toJson().encode();
    return directory().compose(nodes -> nodes.put(node, report));
  }

  private double gauge() {
    return registry.find(MetricNames.SCALING_DESIRED_REPLICAS).gauge().value();
  }

  @Test
  void onlyTheWorkflowNodesAreSizedAndTheGaugeSaysTheirDesiredCount(VertxTestContext test) {
    report("n1", 0.9, "gateway", "workflow")
        .compose(v -> report("n2", 0.9, "workflow"))
        .compose(v -> report("n3", 0.9, "dlq", "ratelimit"))
        .compose(v -> signal.decide())
        .onComplete(test.succeeding(decision -> test.verify(() -> {
          assertThat(decision.currentReplicas()).isEqualTo(2);
          assertThat(decision.desiredReplicas()).isEqualTo(6);
          assertThat(gauge()).isEqualTo(6.0);
          test.completeNow();
        })));
  }

  @Test
  void theGaugeFollowsEveryDecision(VertxTestContext test) {
    report("n1", 0.9, "workflow")
        .compose(v -> report("n2", 0.9, "workflow"))
        .compose(v -> signal.decide())
        .compose(first -> directory().compose(nodes -> nodes.remove("n2")).compose(v -> signal.decide())
            .map(second -> List.of(first, second)))
        .onComplete(test.succeeding(decisions -> test.verify(() -> {
          assertThat(decisions).extracting(ScalingDecision::desiredReplicas).containsExactly(6, 3);
          assertThat(gauge()).isEqualTo(3.0);
          test.completeNow();
        })));
  }

  @Test
  void withoutWorkflowNodesTheSignalAsksForTheMinimum(VertxTestContext test) {
    report("n3", 0.9, "dlq").compose(v -> signal.decide()).onComplete(test.succeeding(decision -> test.verify(() -> {
      assertThat(decision.currentReplicas()).isZero();
      assertThat(decision.desiredReplicas()).isEqualTo(1);
      assertThat(gauge()).isEqualTo(1.0);
      test.completeNow();
    })));
  }
}
