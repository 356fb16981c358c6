package dev.wfgateway.common.scaling;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wfgateway.common.config.ScalingConfig;
import dev.wfgateway.common.scaling.ScalingPolicy.Inputs;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScalingPolicyTest {
  private final ScalingPolicy policy = new ScalingPolicy(new ScalingConfig(2, 8, 0.7, 1000, 10, 0.5, 0.1));

  private static Inputs inputs(int replicas, double cpu, double p99, double failureRate, long queued) {
    return new Inputs(replicas, cpu, p99, failureRate, queued);
  }

  @Test
  void cpuAboveTargetScalesUpInProportion() {
    ScalingDecision decision = policy.decide(inputs(3, 0.93, 100, 0, 0));
    assertThat(decision.action()).isEqualTo("scale_up");
    assertThat(decision.desiredReplicas()).isEqualTo(4); // ceil(3 * 0.93 / 0.7) = ceil(3.99)
    assertThat(decision.reason()).startsWith("cpu");
  }

  @Test
  void latencyAboveTargetScalesUp() {
    ScalingDecision decision = policy.decide(inputs(2, 0.3, 2500, 0, 0));
    assertThat(decision.action()).isEqualTo("scale_up");
    assertThat(decision.desiredReplicas()).isEqualTo(5);
    assertThat(decision.reason()).startsWith("p99 run latency");
  }

  @Test
  void queuedRunsScaleUp() {
    ScalingDecision decision = policy.decide(inputs(2, 0.3, 100, 0, 60));
    assertThat(decision.desiredReplicas()).isEqualTo(6); // 60 queued / (10 per replica * 2) = 3x
    assertThat(decision.reason()).startsWith("bulkhead queue depth");
  }

  @Test
  void idleClusterScalesDownButNotBelowMin() {
    ScalingDecision decision = policy.decide(inputs(6, 0.1, 50, 0, 0));
    assertThat(decision.action()).isEqualTo("scale_down");
    assertThat(decision.desiredReplicas()).isEqualTo(2);
  }

  @Test
  void neverAboveMax() {
    ScalingDecision decision = policy.decide(inputs(6, 1.0, 9000, 0, 0));
    assertThat(decision.desiredReplicas()).isEqualTo(8);
  }

  @Test
  void outsideTheBoundsComesBackToThem() {
    assertThat(policy.decide(inputs(1, 0.7, 0, 0, 0)).desiredReplicas()).isEqualTo(2);
    assertThat(policy.decide(inputs(12, 0.7, 0, 0, 0)).desiredReplicas()).isEqualTo(8);
  }

  @Test
  void withinToleranceDoesNothing() {
    ScalingDecision decision = policy.decide(inputs(4, 0.75, 300, 0, 0));
    assertThat(decision.action()).isEqualTo("none");
    assertThat(decision.desiredReplicas()).isEqualTo(4);
  }

  @Test
  void aHighFailureRateHoldsInsteadOfScaling() {
    assertThat(policy.decide(inputs(4, 0.05, 10, 0.8, 0)).action()).isEqualTo("none");
    ScalingDecision up = policy.decide(inputs(4, 1.0, 10, 0.8, 0));
    assertThat(up.action()).isEqualTo("none");
    assertThat(up.reason()).contains("failure rate");
  }

  @Test
  void sameInputSameAnswer() {
    Inputs in = inputs(3, 0.83, 1200, 0.1, 7);
    JsonObject first = policy.decide(in).toJson();
    for (int i = 0; i < 100; i++) {
      assertThat(policy.decide(in).toJson()).isEqualTo(first);
    }
  }

  @Test
  void aggregatesNodeReports() {
    NodeReport a = new NodeReport("a", List.of("workflow"), "local", true, new JsonObject(), 0.4, 200, 0.5, 10, 3, "t");
    NodeReport b = new NodeReport("b", List.of("workflow"), "local", true, new JsonObject(), 0.8, 900, 0.0, 30, 4, "t");
    Inputs in = Inputs.of(List.of(a, b));
    assertThat(in.replicas()).isEqualTo(2);
    assertThat(in.cpu()).isEqualTo(0.6, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(in.p99RunMillis()).isEqualTo(900);
    assertThat(in.failureRate()).isEqualTo(0.125);
    assertThat(in.bulkheadQueued()).isEqualTo(7);
  }
}
