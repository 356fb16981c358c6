package dev.wfgateway.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wfgateway.common.Addresses;
import dev.wfgateway.testkit.Await;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Whatever the platform accepts it can store and give back: the deepest input it takes survives a
 * dead-lettered run and every DLQ read, and another service's message is held to the limits an
 * HTTP body is.
 */
class StorableInputTest {
  private static final String ACME = ConfiguredPlatform.ACME_KEY;

  @RegisterExtension
  static final PerClass<EdgePlatform> edge = PerClass.of(EdgePlatform::new);

  /** {@code levels} objects, each holding the next under "a". */
  private static JsonObject nested(int levels) {
    JsonObject value = new JsonObject().put("leaf", true);
    for (int i = 1; i < levels; i++) {
      value = new JsonObject().put("a", value);
    }
    return value;
  }

  private static JsonObject submitFailure(JsonObject input) {
    JsonObject message = new JsonObject().put("tenant", "acme").put("workflow", EdgePlatform.ECHO).put("input", input);
    Throwable failure = Await.failure(edge.get().node.vertx.eventBus().request(Addresses.WORKFLOW_SUBMIT, message));
    assertThat(failure).isInstanceOf(ReplyException.class);
    assertThat(((ReplyException) failure).failureCode()).isEqualTo(400);
    return new JsonObject(failure.getMessage());
  }

  @Test
  void anEventBusSubmitIsHeldToTheLimitsOfAnHttpBody() {
    JsonObject deep = submitFailure(nested(997));
    assertThat(deep.getString("type")).endsWith("/validation-failed");
    assertThat(deep.getJsonArray("errors").getJsonObject(0).getString("pointer")).startsWith("/input/a/a");

    assertThat(submitFailure(new JsonObject().put("amount", Double.POSITIVE_INFINITY)).getString("type"))
        .endsWith("/validation-failed");
    assertThat(submitFailure(new JsonObject().put("name", "x\ud800")).getString("type")).endsWith("/validation-failed");
    assertThat(submitFailure(nested(65)).getString("detail")).contains("64 levels");
  }

  @Test
  void theDeepestAcceptedInputIsDeadLetteredAndEveryDlqReadAnswers() {
    HttpResponse<Buffer> failed = edge.get().submit(ACME, EdgePlatform.FAILING, nested(64));
    assertThat(failed.statusCode()).as(failed.bodyAsString()).isEqualTo(502);
    String dlqId = failed.bodyAsJsonObject().getString("dlqId");

    HttpResponse<Buffer> listing = edge.get().send(edge.get().as(ACME, HttpMethod.GET, "/v1/dlq?limit=500"));
    assertThat(listing.statusCode()).as(listing.bodyAsString()).isEqualTo(200);
    assertThat(listing.bodyAsJsonObject().getJsonArray("entries").stream()
        .map(e -> ((JsonObject) e).getString("id"))).contains(dlqId);
    assertThat(listing.bodyAsJsonObject().containsKey("skipped")).isFalse();

    HttpResponse<Buffer> one = edge.get().send(edge.get().as(ACME, HttpMethod.GET, "/v1/dlq/" + dlqId));
    assertThat(one.statusCode()).isEqualTo(200);
    assertThat(one.bodyAsJsonObject().getJsonObject("input")).isEqualTo(nested(64));

    HttpResponse<Buffer> admin = edge.get().send(edge.get().as(ConfiguredPlatform.ADMIN_TOKEN, HttpMethod.GET,
        "/admin/dlq?tenant=acme"));
    assertThat(admin.statusCode()).isEqualTo(200);
  }

  @Test
  void aSyncRunOfTheDeepestAcceptedInputAnswersWithItsOutput() {
    HttpResponse<Buffer> run = edge.get().submit(ACME, EdgePlatform.ECHO, nested(64));
    assertThat(run.statusCode()).as(run.bodyAsString()).isEqualTo(200);
    assertThat(run.bodyAsJsonObject().getJsonObject("output").getJsonObject("result").getJsonObject("echo"))
        .isEqualTo(nested(64));
  }
}
