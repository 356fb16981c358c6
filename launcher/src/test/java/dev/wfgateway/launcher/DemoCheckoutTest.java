package dev.wfgateway.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wfgateway.testkit.Await;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The {@code demo-checkout} workflow of the README's tour through HTTP, against the demo services:
 * a parallel group, a {@code when}, a mapped body with a default, and compensations.
 */
class DemoCheckoutTest {
  @RegisterExtension
  static final PerClass<RunningPlatform> node = PerClass.of(dir -> RunningPlatform.started(dir, Map.of(), null));

  @Test
  void goldOrderRunsEveryStepAndNotifyReceivesTheMappedBody() {
    HttpResponse<Buffer> response = node.get().submit(DemoContent.CHECKOUT, order("o-1", 120).put("tier", "gold"));

    assertThat(response.statusCode()).isEqualTo(200);
    JsonObject run = response.bodyAsJsonObject();
    assertThat(run.getString("status")).isEqualTo("succeeded");
    assertThat(run.getString("definitionVersion")).isEqualTo("1");
    assertThat(statuses(run)).isEqualTo(Map.of("reserve", "succeeded", "fraud", "succeeded", "credit", "succeeded",
        "bonus", "succeeded", "notify", "succeeded"));
    assertThat(groups(run)).isEqualTo(Map.of("fraud", "checks", "credit", "checks"));
    assertThat(run.containsKey("compensations")).isFalse();
    JsonObject received = run.getJsonObject("output").getJsonObject("result").getJsonObject("received");
    assertThat(received).isEqualTo(new JsonObject().put("orderId", "o-1").put("reservationId", "res-o-1")
        .put("fraudScore", 6).put("authorization", "auth-o-1").put("bonusPoints", 12)
        .put("email", "customer@example.com"));
    assertThat(run.getJsonObject("output").getJsonObject("steps").fieldNames())
        .containsExactlyInAnyOrder("reserve", "fraud", "credit", "bonus", "notify");
  }

  @Test
  void orderWithoutGoldTierSkipsBonusAndNotifyGetsTheDefault() {
    HttpResponse<Buffer> response = node.get().submit(DemoContent.CHECKOUT, order("o-2", 80).put("tier", "silver"));

    assertThat(response.statusCode()).isEqualTo(200);
    JsonObject run = response.bodyAsJsonObject();
    assertThat(statuses(run)).containsEntry("bonus", "skipped").containsEntry("notify", "succeeded");
    assertThat(step(run, "bonus").getInteger("attempts")).isZero();
    assertThat(run.getJsonObject("output").getJsonObject("steps").containsKey("bonus")).isFalse();
    assertThat(run.getJsonObject("output").getJsonObject("result").getJsonObject("received")
        .getInteger("bonusPoints")).isZero();
  }

  @Test
  void declinedCreditIsDeadLetteredAfterTheReservationIsReleased() {
    HttpResponse<Buffer> response = node.get().submit(DemoContent.CHECKOUT, order("o-3", 1500));

    assertThat(response.statusCode()).isEqualTo(502);
    JsonObject problem = response.bodyAsJsonObject();
    assertThat(problem.getString("type")).endsWith("/run-failed");
    assertThat(problem.getString("detail")).startsWith("step answered HTTP 402");
    JsonArray releasedOnly = new JsonArray().add(new JsonObject()
        .put("name", "reserve").put("status", "succeeded").put("attempts", 1));

    JsonObject run = fetch("/v1/runs/" + problem.getString("runId"));
    assertThat(run.getString("status")).isEqualTo("dead_lettered");
    assertThat(run.getJsonArray("compensations")).isEqualTo(releasedOnly);
    assertThat(run.getJsonObject("error").getString("step")).isEqualTo("credit");
    assertThat(run.getJsonObject("error").getString("type")).isEqualTo("step_http_402");
    assertThat(step(run, "credit").getString("status")).isEqualTo("failed");
    assertThat(step(run, "credit").getInteger("attempts")).as("a 402 is not retried").isEqualTo(1);
    assertThat(step(run, "fraud").getString("status")).isIn("succeeded", "cancelled");
    assertThat(statuses(run)).doesNotContainKeys("bonus", "notify");

    JsonObject entry = fetch("/v1/dlq/" + problem.getString("dlqId"));
    assertThat(entry.getString("reason")).isEqualTo("step_failed");
    assertThat(entry.getJsonArray("compensations")).isEqualTo(releasedOnly);
  }

  @Test
  void failedNotificationRefundsTheCreditBeforeReleasingTheReservation() {
    HttpResponse<Buffer> response = node.get().submit(DemoContent.CHECKOUT,
        order("o-4", 50).put("email", "not-an-address"));

    assertThat(response.statusCode()).isEqualTo(502);
    JsonObject run = fetch("/v1/runs/" + response.bodyAsJsonObject().getString("runId"));
    assertThat(run.getJsonObject("error").getString("step")).isEqualTo("notify");
    assertThat(run.getJsonArray("compensations").stream().map(c -> ((JsonObject) c).getString("name")
        + " " + ((JsonObject) c).getString("status"))).containsExactly("credit succeeded", "reserve succeeded");
  }

  private static JsonObject order(String orderId, int amount) {
    return new JsonObject().put("orderId", orderId).put("amount", amount);
  }

  private static JsonObject fetch(String path) {
    HttpResponse<Buffer> response = Await.result(node.get().tenant(HttpMethod.GET, path).send());
    assertThat(response.statusCode()).as(path).isEqualTo(200);
    return response.bodyAsJsonObject();
  }

  private static List<JsonObject> steps(JsonObject run) {
    return run.getJsonArray("steps").stream().map(JsonObject.class::cast).toList();
  }

  private static JsonObject step(JsonObject run, String name) {
    return steps(run).stream().filter(s -> name.equals(s.getString("name"))).findFirst().orElseThrow();
  }

  private static Map<String, String> statuses(JsonObject run) {
    return steps(run).stream().collect(Collectors.toMap(s -> s.getString("name"), s -> s.getString("status")));
  }

  private static Map<String, String> groups(JsonObject run) {
    return steps(run).stream().filter(s -> s.containsKey("group"))
        .collect(Collectors.toMap(s -> s.getString("name"), s -> s.getString("group")));
  }
}
