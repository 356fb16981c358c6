package dev.wfgateway.launcher;

import static dev.wfgateway.launcher.FeatureNodes.step;
import static org.assertj.core.api.Assertions.assertThat;

import dev.wfgateway.launcher.Downstream.Script;
import dev.wfgateway.launcher.FeatureNodes.Backend;
import dev.wfgateway.launcher.FeatureNodes.Node;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code when}, {@code input} and {@code definitionVersion} (DESIGN.md section 7b) through HTTP on
 * both backends, against a real downstream that records what it was sent.
 */
class StepConditionsAndInputHttpTest {
  private static final Downstream downstream = new Downstream()
      .script("/lookup", Script.ok(new JsonObject().put("vip", true)))
      .script("/quote", Script.ok(new JsonObject().put("price", 42).put("currency", "EUR")));

  @RegisterExtension
  static final PerClass<FeatureNodes> nodes = PerClass.of(dir -> FeatureNodes.start(dir, downstream, url ->
      String.join("\n",
          "  gated:",
          "    steps:",
          "      - { name: lookup, retry: none, http: { url: \"" + url + "/lookup\" } }",
          "      - { name: bonus, retry: none, when: { pointer: /input/tier, equals: gold },",
          "          http: { url: \"" + url + "/bonus\" } }",
          "      - { name: coupon, retry: none, when: { pointer: /input/coupon, exists: true },",
          "          http: { url: \"" + url + "/coupon\" } }",
          "      - { name: concierge, retry: none, when: { pointer: /steps/lookup/vip, equals: true },",
          "          http: { url: \"" + url + "/concierge\" } }",
          "  mapped:",
          "    version: \"7\"",
          "    steps:",
          "      - { name: quote, retry: none, http: { url: \"" + url + "/quote\" } }",
          "      - name: notify",
          "        retry: standard",
          "        input:",
          "          orderId: /input/orderId",
          "          price: /steps/quote/price",
          "          channel: { pointer: /input/channel, default: email }",
          "          note: { pointer: /input/note, default: null }",
          "        http: { url: \"" + url + "/notify\" }")));

  private static String runId(HttpResponse<Buffer> response) {
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    return response.bodyAsJsonObject().getString("runId");
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void aStepWhoseConditionIsFalseIsSkippedAndNeverCalled(Backend backend) {
    Node node = nodes.get().on(backend);
    String runId = runId(node.run("gated", new JsonObject().put("tier", "silver")));

    assertThat(downstream.paths(runId)).containsExactly("/lookup", "/concierge");
    JsonObject record = node.record(runId);
    assertThat(record.getString("status")).isEqualTo("succeeded");
    for (String skipped : new String[] {"bonus", "coupon"}) {
      assertThat(step(record, skipped).getString("status")).as(skipped).isEqualTo("skipped");
      assertThat(step(record, skipped).getInteger("attempts")).isZero();
    }
    assertThat(step(record, "concierge").getString("status")).as("a condition on an earlier step's output")
        .isEqualTo("succeeded");
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void stepsWhoseConditionsHoldAreCalled(Backend backend) {
    Node node = nodes.get().on(backend);
    String runId = runId(node.run("gated", new JsonObject().put("tier", "gold").put("coupon", "SPRING")));

    assertThat(downstream.paths(runId)).containsExactly("/lookup", "/bonus", "/coupon", "/concierge");
    JsonObject record = node.record(runId);
    for (String called : new String[] {"bonus", "coupon"}) {
      assertThat(step(record, called).getString("status")).as(called).isEqualTo("succeeded");
    }
    assertThat(record.getJsonObject("output").getJsonObject("steps").getJsonObject("coupon"))
        .isEqualTo(new JsonObject().put("at", "/coupon"));
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void aStepWithInputReceivesExactlyTheMappedBody(Backend backend) {
    Node node = nodes.get().on(backend);
    JsonObject input = new JsonObject().put("orderId", "o-1").put("secret", "not for notify");
    String runId = runId(node.run("mapped", input));

    assertThat(downstream.only(runId, "/quote").body).as("without input: {input, steps} as before")
        .isEqualTo(new JsonObject().put("input", input).put("steps", new JsonObject()));
    assertThat(downstream.only(runId, "/notify").body).isEqualTo(new JsonObject()
        .put("orderId", "o-1").put("price", 42).put("channel", "email").putNull("note"));
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void aPointerThatResolvesToNothingFailsTheRunAndIsNamed(Backend backend) {
    Node node = nodes.get().on(backend);
    HttpResponse<Buffer> response = node.run("mapped", new JsonObject().put("channel", "sms"));

    JsonObject problem = ProblemAssert.assertProblem(response, 502, "run-failed");
    assertThat(problem.getString("detail")).contains("/input/orderId");
    String runId = problem.getString("runId");
    assertThat(downstream.paths(runId)).as("the step is not called").containsExactly("/quote");
    JsonObject record = node.record(runId);
    assertThat(record.getJsonObject("error").getString("type")).isEqualTo("input_missing");
    assertThat(record.getJsonObject("error").getString("message")).contains("/input/orderId");
    assertThat(step(record, "notify").getString("status")).isEqualTo("failed");
    assertThat(step(record, "notify").getInteger("attempts")).as("not retried, never called").isZero();
    JsonObject entry = node.dlqEntry(problem.getString("dlqId"));
    assertThat(entry.getString("reason")).isEqualTo("step_failed");
    assertThat(entry.getJsonObject("error").getString("type")).isEqualTo("input_missing");
    assertThat(entry.getJsonObject("error").getString("step")).isEqualTo("notify");
    assertThat(entry.getJsonObject("error").getString("message")).contains("/input/orderId");
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void theRecordCarriesTheVersionLabelOrTheDefinitionsHash(Backend backend) {
    Node node = nodes.get().on(backend);
    HttpResponse<Buffer> labelled = node.run("mapped", new JsonObject().put("orderId", "o-2"));
    HttpResponse<Buffer> unlabelled = node.run("gated", new JsonObject());

    assertThat(node.record(runId(labelled)).getString("definitionVersion")).isEqualTo("7");
    assertThat(node.record(runId(unlabelled)).getString("definitionVersion")).matches("[0-9a-f]{12}");
    assertThat(unlabelled.bodyAsJsonObject().getString("definitionVersion"))
        .as("the same on every node given the same file")
        .isEqualTo(nodes.get().on(Backend.LOCAL).run("gated", new JsonObject()).bodyAsJsonObject()
            .getString("definitionVersion"));
  }
}
