package dev.wfgateway.common.messages;

import dev.wfgateway.common.Problem;
import dev.wfgateway.common.ProblemException;
import io.vertx.core.json.JsonObject;

/** Field checks shared by the message records: a bad message is a 400 problem, never an exception trace. */
final class Messages {
  private Messages() {
  }

  static String requireString(JsonObject json, String field) {
    Object value = json.getValue(field);
    if (!(value instanceof String s) || s.isBlank()) {
      throw invalid("/" + field, field + " is required and must be a non-empty string");
    }
    return s;
  }

  static String optionalString(JsonObject json, String field) {
    Object value = json.getValue(field);
    if (value == null) {
      return null;
    }
    if (!(value instanceof String s)) {
      throw invalid("/" + field, field + " must be a string");
    }
    return s;
  }

  static ProblemException invalid(String pointer, String message) {
    return new ProblemException(Problem.invalid(pointer, message));
  }
}
