package dev.wfgateway.launcher;

import static dev.wfgateway.launcher.FeatureNodes.step;
import static org.assertj.core.api.Assertions.assertThat;

import dev.wfgateway.launcher.Downstream.Call;
import dev.wfgateway.launcher.Downstream.Script;
import dev.wfgateway.launcher.FeatureNodes.Backend;
import dev.wfgateway.launcher.FeatureNodes.Node;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Parallel groups (DESIGN.md section 7b) through HTTP on both backends, against a real downstream:
 * each branch is answered only once the other has arrived, so the branches completing at all proves
 * that they were out together; a branch that fails cancels the one still out.
 */
class ParallelStepsHttpTest {
  private static final Downstream downstream = new Downstream()
      .script("/fraud", Script.ok(new JsonObject().put("score", 3)).once("/credit"))
      .script("/credit", Script.ok(new JsonObject().put("limit", 500)).once("/fraud"))
      .script("/slow", Script.never())
      .script("/refuse", Script.answer(422, new JsonObject().put("why", "no credit")).once("/slow"));

  @RegisterExtension
  static final PerClass<FeatureNodes> nodes = PerClass.of(dir -> FeatureNodes.start(dir, downstream, url ->
      String.join("\n",
          "  checkout:",
          "    steps:",
          "      - name: checks",
          "        parallel:",
          "          - { name: fraud, retry: none, http: { url: \"" + url + "/fraud\" } }",
          "          - { name: credit, retry: none, http: { url: \"" + url + "/credit\" } }",
          "      - { name: total, retry: none, input: { fraud: /steps/fraud/score, credit: /steps/credit/limit },",
          "          http: { url: \"" + url + "/total\" } }",
          "  refused:",
          "    steps:",
          "      - name: checks",
          "        parallel:",
          "          - { name: slow, retry: none, http: { url: \"" + url + "/slow\", timeout: 30s } }",
          "          - { name: refuse, retry: standard, http: { url: \"" + url + "/refuse\" } }",
          "      - { name: after, retry: none, http: { url: \"" + url + "/after\" } }")));

  @ParameterizedTest
  @EnumSource(Backend.class)
  void branchesRunTogetherAndTheirOutputsAreUnderTheirOwnNames(Backend backend) {
    HttpResponse<Buffer> response = nodes.get().on(backend).run("checkout", new JsonObject().put("orderId", "o-1"));

    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    JsonObject record = response.bodyAsJsonObject();
    String runId = record.getString("runId");
    Call fraud = downstream.only(runId, "/fraud");
    Call credit = downstream.only(runId, "/credit");
    Call total = downstream.only(runId, "/total");
    assertThat(fraud.overlaps(credit)).as("both branches out at once").isTrue();
    assertThat(fraud.endedBefore(total) && credit.endedBefore(total)).as("the next step waits for the group").isTrue();

    for (String branch : new String[] {"fraud", "credit"}) {
      assertThat(step(record, branch).getString("group")).isEqualTo("checks");
      assertThat(step(record, branch).getString("status")).isEqualTo("succeeded");
    }
    JsonObject outputs = record.getJsonObject("output").getJsonObject("steps");
    assertThat(outputs.getJsonObject("fraud")).isEqualTo(new JsonObject().put("score", 3));
    assertThat(outputs.getJsonObject("credit")).isEqualTo(new JsonObject().put("limit", 500));
    assertThat(outputs.containsKey("checks")).as("a group has no output of its own").isFalse();
    assertThat(total.body).isEqualTo(new JsonObject().put("fraud", 3).put("credit", 500));
    assertThat(nodes.get().on(backend).record(runId).getJsonArray("steps")).isEqualTo(record.getJsonArray("steps"));
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void aBranchThatFailsCancelsTheOneStillOutAndTheRunIsDeadLettered(Backend backend) {
    Node node = nodes.get().on(backend);
    HttpResponse<Buffer> response = node.run("refused", new JsonObject().put("orderId", "o-2"));

    JsonObject problem = ProblemAssert.assertProblem(response, 502, "run-failed");
    String runId = problem.getString("runId");
    assertThat(problem.getString("detail")).contains("422");
    assertThat(downstream.only(runId, "/refuse").answered()).isTrue();
    assertThat(downstream.only(runId, "/slow").answered()).as("held by the downstream, never answered").isFalse();
    assertThat(downstream.paths(runId)).as("nothing after the group").doesNotContain("/after");

    JsonObject record = node.record(runId);
    assertThat(record.getString("status")).isEqualTo("dead_lettered");
    assertThat(step(record, "refuse").getString("status")).isEqualTo("failed");
    assertThat(step(record, "refuse").getInteger("attempts")).as("a 4xx is not retried").isEqualTo(1);
    JsonObject slow = step(record, "slow");
    assertThat(slow.getString("status")).isEqualTo("cancelled");
    assertThat(slow.getString("group")).isEqualTo("checks");
    assertThat(record.getJsonArray("steps").stream().map(s -> ((JsonObject) s).getString("name")))
        .doesNotContain("after");

    JsonObject entry = node.dlqEntry(problem.getString("dlqId"));
    assertThat(entry.getString("reason")).isEqualTo("step_failed");
    assertThat(entry.getJsonObject("error").getString("step")).isEqualTo("refuse");
    assertThat(entry.getJsonObject("error").getString("type")).isEqualTo("step_http_422");
  }
}
