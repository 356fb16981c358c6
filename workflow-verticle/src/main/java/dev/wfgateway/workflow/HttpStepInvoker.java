package dev.wfgateway.workflow;

import dev.wfgateway.common.config.StepTarget;
import dev.wfgateway.common.json.JsonRejected;
import dev.wfgateway.common.json.StrictJson;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;

/** Calls a step over HTTP with the step's method, URL, headers and timeout; the JSON answer is its output. */
final class HttpStepInvoker implements StepInvoker {
  private static final int MAX_ERROR_BODY = 200;

  private final WebClient client;

  HttpStepInvoker(WebClient client) {
    this.client = client;
  }

  @Override
  public Future<JsonObject> invoke(StepTarget target, StepCall call) {
    StepTarget.HttpTarget http = target.http();
    var request = client.requestAbs(HttpMethod.valueOf(http.method()), http.url())
        .timeout(http.timeout().toMillis())
        .putHeader("content-type", "application/json")
        .putHeader("accept", "application/json");
    http.headers().forEach(request::putHeader);
    call.headers().forEach(request::putHeader);
    return request.sendBuffer(Buffer.buffer(call.payload().encode()))
        .transform(ar -> ar.succeeded() ? answer(ar.result())
            : Future.failedFuture(StepFailure.retryable("step_unreachable", String.valueOf(ar.cause().getMessage()))));
  }

  private static Future<JsonObject> answer(HttpResponse<Buffer> response) {
    int status = response.statusCode();
    if (status >= 200 && status < 300) {
      Buffer body = response.body();
      if (body == null || body.length() == 0) {
        return Future.succeededFuture(new JsonObject());
      }
      try {
        Object value = StrictJson.decode(body, StrictJson.DEPTH_CEILING, 0);
        return Future.succeededFuture(value instanceof JsonObject json ? json : new JsonObject().put("value", value));
      } catch (JsonRejected e) {
        return Future.failedFuture(e.kind() == JsonRejected.Kind.MALFORMED
            ? StepFailure.permanent("step_bad_response", "step answered " + status + " with a body that is not JSON")
            : StepFailure.unstorable(e));
      }
    }
    String message = "step answered HTTP " + status + excerpt(response.body());
    return Future.failedFuture(StepFailure.retryableStatus(status)
        ? StepFailure.retryable("step_http_" + status, message)
        : StepFailure.permanent("step_http_" + status, message));
  }

  private static String excerpt(Buffer body) {
    if (body == null || body.length() == 0) {
      return "";
    }
    String text = body.toString();
    return ": " + (text.length() > MAX_ERROR_BODY ? text.substring(0, MAX_ERROR_BODY) + "…" : text);
  }
}
