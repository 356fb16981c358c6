package dev.wfgateway.launcher;

import static dev.wfgateway.launcher.FeatureNodes.step;
import static org.assertj.core.api.Assertions.assertThat;

import dev.wfgateway.common.Addresses;
import dev.wfgateway.launcher.Downstream.Call;
import dev.wfgateway.launcher.Downstream.Script;
import dev.wfgateway.launcher.FeatureNodes.Backend;
import dev.wfgateway.launcher.FeatureNodes.Node;
import dev.wfgateway.testkit.Await;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The features of DESIGN.md section 7b from a submit to {@code platform.workflow.submit}, as another
 * service on the bus sends it (section 3), on both backends: an order checkout that reserves, runs
 * fraud and credit checks in parallel, gives a bonus only to gold customers, notifies with a mapped
 * body and, when shipping is refused, refunds the credit and releases the reservation.
 */
class CheckoutEventBusTest {
  private static final Downstream downstream = new Downstream()
      .script("/reserve", Script.ok(new JsonObject().put("reservation", "R-1")))
      .script("/fraud", Script.ok(new JsonObject().put("score", 3)).once("/credit"))
      .script("/credit", Script.ok(new JsonObject().put("limit", 500)).once("/fraud"))
      .script("/ship", Script.answer(409, new JsonObject().put("why", "undeliverable")));

  @RegisterExtension
  static final PerClass<FeatureNodes> nodes = PerClass.of(dir -> FeatureNodes.start(dir, downstream, url ->
      String.join("\n",
          "  checkout:",
          "    steps:",
          "      - { name: reserve, retry: none, http: { url: \"" + url + "/reserve\" },",
          "          compensate: { http: { url: \"" + url + "/release\" } } }",
          "      - name: checks",
          "        parallel:",
          "          - { name: fraud, retry: none, http: { url: \"" + url + "/fraud\" } }",
          "          - { name: credit, retry: none, http: { url: \"" + url + "/credit\" },",
          "              compensate: { http: { url: \"" + url + "/refund\" } } }",
          "      - { name: bonus, retry: none, when: { pointer: /input/tier, equals: gold },",
          "          http: { url: \"" + url + "/bonus\" } }",
          "      - name: notify",
          "        retry: none",
          "        input:",
          "          orderId: /input/orderId",
          "          fraud: /steps/fraud/score",
          "          reservation: /steps/reserve/reservation",
          "          channel: { pointer: /input/channel, default: email }",
          "        http: { url: \"" + url + "/notify\" }",
          "      - { name: ship, retry: none, when: { pointer: /input/undeliverable, exists: true },",
          "          http: { url: \"" + url + "/ship\" } }")));

  @ParameterizedTest
  @EnumSource(Backend.class)
  void theReplyIsTheRunRecordOfEveryFeature(Backend backend) {
    Node node = nodes.get().on(backend);
    JsonObject record = Await.result(node.submitOnBus("checkout",
        new JsonObject().put("orderId", "o-1").put("tier", "silver"))).body();

    assertThat(record.getString("status")).as(record.encodePrettily()).isEqualTo("succeeded");
    String runId = record.getString("runId");
    assertThat(downstream.only(runId, "/fraud").overlaps(downstream.only(runId, "/credit"))).isTrue();
    assertThat(step(record, "fraud").getString("group")).isEqualTo("checks");
    assertThat(step(record, "credit").getString("group")).isEqualTo("checks");
    assertThat(step(record, "bonus").getString("status")).isEqualTo("skipped");
    assertThat(step(record, "ship").getString("status")).isEqualTo("skipped");
    assertThat(downstream.paths(runId)).doesNotContain("/bonus", "/ship");
    assertThat(downstream.only(runId, "/notify").body).isEqualTo(new JsonObject().put("orderId", "o-1")
        .put("fraud", 3).put("reservation", "R-1").put("channel", "email"));
    assertThat(record.getJsonObject("output").getJsonObject("steps").getJsonObject("credit"))
        .isEqualTo(new JsonObject().put("limit", 500));
    assertThat(record.getString("definitionVersion")).matches("[0-9a-f]{12}");
    assertThat(record.containsKey("compensations")).isFalse();
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void aRefusedShipmentFailsWith502AndCompensatesNewestFirst(Backend backend) {
    Node node = nodes.get().on(backend);
    Throwable failure = Await.failure(node.submitOnBus("checkout",
        new JsonObject().put("orderId", "o-2").put("tier", "gold").put("undeliverable", true)));

    assertThat(failure).isInstanceOf(ReplyException.class);
    assertThat(((ReplyException) failure).failureCode()).isEqualTo(502);
    JsonObject problem = new JsonObject(failure.getMessage());
    assertThat(problem.getString("type")).endsWith("/run-failed");
    assertThat(problem.getString("detail")).contains("409");
    String runId = problem.getString("runId");
    assertThat(downstream.paths(runId)).containsSubsequence("/bonus", "/notify", "/ship", "/refund", "/release");
    Call refund = downstream.only(runId, "/refund");
    assertThat(refund.endedBefore(downstream.only(runId, "/release"))).isTrue();
    assertThat(refund.body.getJsonObject("failure").getString("step")).isEqualTo("ship");
    assertThat(refund.body.getJsonObject("steps").getJsonObject("reserve").getString("reservation"))
        .isEqualTo("R-1");

    JsonArray compensations = new JsonArray()
        .add(new JsonObject().put("name", "credit").put("status", "succeeded").put("attempts", 1))
        .add(new JsonObject().put("name", "reserve").put("status", "succeeded").put("attempts", 1));
    JsonObject record = node.ask(Addresses.WORKFLOW_STATUS, new JsonObject().put("tenant", "acme").put("runId", runId));
    assertThat(record.getString("status")).isEqualTo("dead_lettered");
    assertThat(step(record, "bonus").getString("status")).isEqualTo("succeeded");
    assertThat(record.getJsonArray("compensations")).isEqualTo(compensations);
    JsonObject entry = node.ask(Addresses.DLQ_QUERY,
        new JsonObject().put("tenant", "acme").put("id", problem.getString("dlqId")));
    assertThat(entry.getString("source")).isEqualTo("eventbus");
    assertThat(entry.getJsonObject("error").getString("step")).isEqualTo("ship");
    assertThat(entry.getJsonArray("compensations")).isEqualTo(compensations);
  }
}
