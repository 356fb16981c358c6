package dev.wfgateway.launcher;

import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.logging.Logger;

/**
 * DEMO ONLY: the services the {@code demo-checkout} workflow calls (the order checkout of
 * docs/workflows.md). Over HTTP on the demo server, under {@link #PATH_PREFIX}: {@code reserve} and
 * its compensation {@code release} (inventory), {@code credit} and its compensation {@code refund}
 * (payments), {@code bonus} (loyalty) and {@code notify}; on the event bus, {@link #FRAUD} scores the
 * order. Two inputs make a run fail on purpose, each with a 4xx so the step is not retried:
 * {@code credit} declines an {@code amount} over {@link #CREDIT_LIMIT} (402), and {@code notify}
 * refuses an {@code email} without an {@code @} (422). Compensations log what they undo.
 */
final class DemoCheckoutServices {
  static final String FRAUD = "demo.fraud";
  static final String PATH_PREFIX = "/checkout/";
  static final int CREDIT_LIMIT = 1000;
  private static final Logger LOG = Logger.getLogger(DemoCheckoutServices.class.getName());

  private DemoCheckoutServices() {
  }

  static String path(String service) {
    return PATH_PREFIX + service;
  }

  static void registerFraud(EventBus bus) {
    bus.<JsonObject>consumer(FRAUD, message -> {
      long score = Math.min(99, Math.round(amount(message.body()) / 20));
      message.reply(new JsonObject().put("score", score).put("verdict", score < 50 ? "clear" : "review"));
    });
  }

  /** The HTTP services by path. */
  static Map<String, DemoEndpoint> endpoints() {
    return Map.of(
        path("reserve"), (request, body) -> DemoEndpoint.ok(new JsonObject()
            .put("reservationId", "res-" + orderId(body))),
        path("release"), (request, body) -> {
          String reservation = earlier(body, "reserve", "reservationId");
          LOG.info(() -> "demo inventory: released " + reservation + " " + because(body));
          return DemoEndpoint.ok(new JsonObject().put("released", reservation));
        },
        path("credit"), (request, body) -> credit(body),
        path("refund"), (request, body) -> {
          String authorization = earlier(body, "credit", "authorization");
          LOG.info(() -> "demo payments: refunded " + authorization + " " + because(body));
          return DemoEndpoint.ok(new JsonObject().put("refunded", authorization));
        },
        path("bonus"), (request, body) -> DemoEndpoint.ok(new JsonObject()
            .put("points", (long) Math.floor(amount(body) / 10))),
        path("notify"), (request, body) -> notify(body));
  }

  private static DemoEndpoint.Answer credit(JsonObject body) {
    Object amount = input(body).getValue("amount");
    if (amount(body) > CREDIT_LIMIT) {
      return new DemoEndpoint.Answer(402, new JsonObject().put("declined", true)
          .put("reason", "amount " + amount + " is over the demo credit limit of " + CREDIT_LIMIT));
    }
    return DemoEndpoint.ok(new JsonObject().put("authorization", "auth-" + orderId(body)).put("amount", amount));
  }

  /** {@code notify} has an {@code input} mapping: it receives the mapped fields, not {input, steps}. */
  private static DemoEndpoint.Answer notify(JsonObject body) {
    Object email = body.getValue("email");
    if (!(email instanceof String address) || !address.contains("@")) {
      return new DemoEndpoint.Answer(422, new JsonObject().put("error", "'" + email + "' is not an e-mail address"));
    }
    return DemoEndpoint.ok(new JsonObject().put("sent", true).put("to", address).put("received", body));
  }

  private static double amount(JsonObject body) {
    Object amount = input(body).getValue("amount");
    return amount instanceof Number n ? n.doubleValue() : 0;
  }

  private static String orderId(JsonObject body) {
    return String.valueOf(input(body).getValue("orderId"));
  }

  private static JsonObject input(JsonObject body) {
    Object input = body.getValue("input");
    return input instanceof JsonObject json ? json : new JsonObject();
  }

  /** A field of an earlier step's output, as a compensation receives it under {@code steps}. */
  private static String earlier(JsonObject body, String step, String field) {
    Object steps = body.getValue("steps");
    Object output = steps instanceof JsonObject json ? json.getValue(step) : null;
    return output instanceof JsonObject json ? String.valueOf(json.getValue(field)) : "(nothing)";
  }

  private static String because(JsonObject body) {
    Object failure = body.getValue("failure");
    if (!(failure instanceof JsonObject json)) {
      return "";
    }
    return "for order " + orderId(body) + " (the run failed at " + json.getString("step") + ": "
        + json.getString("type") + ")";
  }
}
