package dev.wfgateway.common;

import dev.wfgateway.common.service.ServiceFailure;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * An RFC 9457 problem. On the event bus it travels as a {@link ReplyException} whose failure code
 * is the HTTP status and whose message is the problem JSON.
 */
public record Problem(ProblemType type, String detail, JsonObject extensions) {

  public static final String CONTENT_TYPE = "application/problem+json";
  /** Marks a replayed failure on the event bus, where a failure carries no headers; the gateway turns it into the header. */
  public static final String REPLAYED_FIELD = "idempotentReplayed";

  public Problem {
    extensions = extensions == null ? new JsonObject() : extensions;
  }

  public int status() {
    return type.status();
  }

  /** A {@code validation-failed} problem naming one offending value: a JSON Pointer, or a query parameter's name. */
  public static Problem invalid(String pointer, String message) {
    return ProblemType.VALIDATION_FAILED.problem(message).with("errors",
        new JsonArray().add(new JsonObject().put("pointer", pointer).put("message", message)));
  }

  public Problem with(String field, Object value) {
    return new Problem(type, detail, extensions.copy().put(field, value));
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject()
        .put("type", type.uri())
        .put("title", type.title())
        .put("status", type.status())
        .put("detail", detail);
    extensions.forEach(e -> json.put(e.getKey(), e.getValue()));
    return json;
  }

  public static Problem fromJson(JsonObject json) {
    String uri = json.getString("type", "");
    ProblemType type = ProblemType.INTERNAL;
    for (ProblemType candidate : ProblemType.values()) {
      if (candidate.uri().equals(uri)) {
        type = candidate;
      }
    }
    JsonObject extensions = json.copy();
    for (String standard : new String[] {"type", "title", "status", "detail"}) {
      extensions.remove(standard);
    }
    return new Problem(type, json.getString("detail"), extensions);
  }

  /** The failure to hand to {@code message.reply}-side {@code fail}, or to fail a future with. */
  public ReplyException toReplyException() {
    return new ReplyException(ReplyFailure.RECIPIENT_FAILURE, status(), toJson().encode());
  }

  /**
   * The problem a failed event-bus request stands for: a problem sent by a platform service, a
   * missing service (503), or anything else (500, with no internal detail).
   */
  public static Problem fromFailure(Throwable failure) {
    if (failure instanceof ProblemException pe) {
      return pe.problem();
    }
    if (failure instanceof ServiceFailure sf) {
      return sf.problem();
    }
    if (failure instanceof ReplyException re) {
      switch (re.failureType()) {
        case NO_HANDLERS:
          return ProblemType.DEPENDENCY_UNAVAILABLE.problem("No node serves this request right now")
              .with("retryAfterSeconds", 1);
        case TIMEOUT:
          return ProblemType.DEPENDENCY_UNAVAILABLE.problem("A platform service did not answer in time")
              .with("retryAfterSeconds", 1);
        default:
          String message = re.getMessage();
          if (message != null && message.startsWith("{")) {
            try {
              return fromJson(new JsonObject(message));
            } catch (DecodeException ignored) {
              // not one of ours: fall through to the generic answer
            }
          }
      }
    }
    return ProblemType.INTERNAL.problem("The request could not be completed");
  }
}
