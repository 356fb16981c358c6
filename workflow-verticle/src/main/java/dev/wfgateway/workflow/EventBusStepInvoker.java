package dev.wfgateway.workflow;

import dev.wfgateway.common.config.StepTarget;
import dev.wfgateway.common.json.JsonRejected;
import dev.wfgateway.common.json.StrictJson;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;

/** Calls a step served on the (clustered) event bus: a request to its address with the step timeout. */
final class EventBusStepInvoker implements StepInvoker {
  private final Vertx vertx;

  EventBusStepInvoker(Vertx vertx) {
    this.vertx = vertx;
  }

  @Override
  public Future<JsonObject> invoke(StepTarget target, StepCall call) {
    DeliveryOptions options = new DeliveryOptions().setSendTimeout(target.eventbus().timeout().toMillis());
    call.headers().forEach(options::addHeader);
    return vertx.eventBus().<Object>request(target.eventbus().address(), call.payload(), options)
        .transform(ar -> ar.succeeded() ? asJson(ar.result()) : Future.failedFuture(classify(ar.cause())));
  }

  private static Future<JsonObject> asJson(Message<Object> reply) {
    Object body = reply.body();
    try {
      StrictJson.check(body, StrictJson.DEPTH_CEILING, "");
    } catch (JsonRejected e) {
      return Future.failedFuture(StepFailure.unstorable(e));
    }
    return Future.succeededFuture(body instanceof JsonObject json ? json : new JsonObject().put("value", body));
  }

  private static StepFailure classify(Throwable failure) {
    if (failure instanceof ReplyException re) {
      return switch (re.failureType()) {
        case TIMEOUT -> StepFailure.retryable("step_timeout", "no reply within the step timeout");
        case NO_HANDLERS -> StepFailure.retryable("no_handlers", "no service is listening on the step's address");
        default -> StepFailure.retryableStatus(re.failureCode())
            ? StepFailure.retryable("step_error", "step failed with code " + re.failureCode() + ": " + re.getMessage())
            : StepFailure.permanent("step_rejected",
                "step rejected the call with code " + re.failureCode() + ": " + re.getMessage());
      };
    }
    return StepFailure.retryable("step_error", String.valueOf(failure.getMessage()));
  }
}
