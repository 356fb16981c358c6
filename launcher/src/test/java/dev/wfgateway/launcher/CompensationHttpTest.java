package dev.wfgateway.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wfgateway.launcher.Downstream.Call;
import dev.wfgateway.launcher.Downstream.Script;
import dev.wfgateway.launcher.FeatureNodes.Backend;
import dev.wfgateway.launcher.FeatureNodes.Node;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Compensations (DESIGN.md section 7b) through HTTP on both backends: what succeeded is undone
 * newest first, the order read from the calls a real downstream recorded, each compensation sent
 * the failure; the run record and the DLQ entry list every compensation and how it ended.
 */
class CompensationHttpTest {
  private static final JsonObject RESERVED = new JsonObject().put("reservation", "R-1");
  private static final JsonObject CHARGED = new JsonObject().put("charge", "C-9");
  private static final Downstream downstream = new Downstream()
      .script("/reserve", Script.ok(RESERVED))
      .script("/charge", Script.ok(CHARGED))
      .script("/ship", Script.answer(400, new JsonObject().put("why", "out of stock")))
      .script("/refund-broken", Script.answer(500, new JsonObject().put("why", "refunds are down")))
      .script("/hang", Script.never());

  @RegisterExtension
  static final PerClass<FeatureNodes> nodes = PerClass.of(dir -> FeatureNodes.start(dir, downstream, url -> {
    String reserve = "      - { name: reserve, retry: none, http: { url: \"" + url + "/reserve\" },"
        + " compensate: { http: { url: \"" + url + "/release\" } } }";
    String ship = "      - { name: ship, retry: standard, http: { url: \"" + url + "/ship\" } }";
    return String.join("\n",
        "  saga:",
        "    steps:",
        reserve,
        "      - { name: charge, retry: none, http: { url: \"" + url + "/charge\" },"
            + " compensate: { http: { url: \"" + url + "/refund\" } } }",
        "      - { name: note, retry: none, http: { url: \"" + url + "/note\" } }",
        ship,
        "  saga-broken-refund:",
        "    steps:",
        reserve,
        "      - { name: charge, retry: fast, http: { url: \"" + url + "/charge\" },"
            + " compensate: { http: { url: \"" + url + "/refund-broken\" } } }",
        ship,
        "  saga-timeout:",
        "    timeout: 1s",
        "    steps:",
        reserve,
        "      - { name: wait, retry: none, http: { url: \"" + url + "/hang\", timeout: 30s } }");
  }));

  private static JsonObject compensation(String name, String status, int attempts) {
    return new JsonObject().put("name", name).put("status", status).put("attempts", attempts);
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void whatSucceededIsCompensatedNewestFirstWithTheFailureInTheBody(Backend backend) {
    Node node = nodes.get().on(backend);
    JsonObject input = new JsonObject().put("orderId", "o-1");
    JsonObject problem = ProblemAssert.assertProblem(node.run("saga", input), 502, "run-failed");
    String runId = problem.getString("runId");

    assertThat(downstream.paths(runId)).containsExactly("/reserve", "/charge", "/note", "/ship", "/refund",
        "/release");
    Call ship = downstream.only(runId, "/ship");
    Call refund = downstream.only(runId, "/refund");
    Call release = downstream.only(runId, "/release");
    assertThat(ship.endedBefore(refund) && refund.endedBefore(release)).as("one after the other, newest first")
        .isTrue();
    for (Call undo : List.of(refund, release)) {
      assertThat(undo.body.getJsonObject("input")).isEqualTo(input);
      assertThat(undo.body.getJsonObject("steps")).isEqualTo(new JsonObject().put("reserve", RESERVED)
          .put("charge", CHARGED).put("note", new JsonObject().put("at", "/note")));
      JsonObject failure = undo.body.getJsonObject("failure");
      assertThat(failure.getString("step")).isEqualTo("ship");
      assertThat(failure.getString("type")).isEqualTo("step_http_400");
      assertThat(failure.getString("message")).contains("400");
    }

    JsonArray expected = new JsonArray().add(compensation("charge", "succeeded", 1))
        .add(compensation("reserve", "succeeded", 1));
    JsonObject record = node.record(runId);
    assertThat(record.getString("status")).isEqualTo("dead_lettered");
    assertThat(record.getJsonArray("compensations")).isEqualTo(expected);
    assertThat(node.dlqEntry(problem.getString("dlqId")).getJsonArray("compensations")).isEqualTo(expected);
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void aCompensationThatFailsIsRecordedAndTheOlderOneStillRuns(Backend backend) {
    Node node = nodes.get().on(backend);
    JsonObject problem = ProblemAssert.assertProblem(node.run("saga-broken-refund", new JsonObject()), 502,
        "run-failed");
    String runId = problem.getString("runId");

    List<Call> refunds = downstream.calls(runId).stream().filter(c -> c.path.equals("/refund-broken")).toList();
    assertThat(refunds).as("the step's retry policy, fast: 3 attempts").hasSize(3);
    Call release = downstream.only(runId, "/release");
    assertThat(refunds.get(2).endedBefore(release)).isTrue();

    JsonObject record = node.record(runId);
    JsonArray compensations = record.getJsonArray("compensations");
    assertThat(compensations).hasSize(2);
    JsonObject failed = compensations.getJsonObject(0);
    assertThat(failed.getString("name")).isEqualTo("charge");
    assertThat(failed.getString("status")).isEqualTo("failed");
    assertThat(failed.getInteger("attempts")).isEqualTo(3);
    assertThat(failed.getString("error")).contains("500");
    assertThat(compensations.getJsonObject(1)).isEqualTo(compensation("reserve", "succeeded", 1));
    assertThat(node.dlqEntry(problem.getString("dlqId")).getJsonArray("compensations")).isEqualTo(compensations);
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void aRunThatTimesOutCompensatesTheStepThatHadSucceeded(Backend backend) {
    Node node = nodes.get().on(backend);
    JsonObject problem = ProblemAssert.assertProblem(node.run("saga-timeout", new JsonObject()), 504,
        "run-timeout");
    String runId = problem.getString("runId");

    Call hang = downstream.only(runId, "/hang");
    Call release = downstream.only(runId, "/release");
    assertThat(hang.answered()).as("still held when the run timed out").isFalse();
    assertThat(hang.arrivedNanos).isLessThan(release.arrivedNanos);
    JsonObject failure = release.body.getJsonObject("failure");
    assertThat(failure.getString("type")).isEqualTo("run_timeout");
    assertThat(failure.getString("step")).isEqualTo("wait");
    assertThat(release.body.getJsonObject("steps")).isEqualTo(new JsonObject().put("reserve", RESERVED));

    JsonArray expected = new JsonArray().add(compensation("reserve", "succeeded", 1));
    JsonObject record = node.record(runId);
    assertThat(record.getString("status")).isEqualTo("dead_lettered");
    assertThat(record.getJsonArray("compensations")).isEqualTo(expected);
    JsonObject entry = node.dlqEntry(problem.getString("dlqId"));
    assertThat(entry.getString("reason")).isEqualTo("timeout");
    assertThat(entry.getJsonArray("compensations")).isEqualTo(expected);
  }
}
