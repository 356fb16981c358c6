package dev.wfgateway.common.config;

import dev.wfgateway.common.Durations;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;

/**
 * Reads typed values out of configuration JSON, collecting every problem with its path instead of
 * stopping at the first, so that one start-up attempt shows everything that needs fixing.
 */
final class ConfigReader {
  private final List<String> problems = new ArrayList<>();

  void problem(String path, String message) {
    problems.add(path + ": " + message);
  }

  List<String> problems() {
    return problems;
  }

  JsonObject object(JsonObject parent, String field, String path) {
    Object v = parent == null ? null : parent.getValue(field);
    if (v == null) {
      return new JsonObject();
    }
    if (v instanceof JsonObject o) {
      return o;
    }
    problem(path, "must be a mapping");
    return new JsonObject();
  }

  JsonArray array(JsonObject parent, String field, String path) {
    Object v = parent.getValue(field);
    if (v == null) {
      return new JsonArray();
    }
    if (v instanceof JsonArray a) {
      return a;
    }
    problem(path, "must be a list");
    return new JsonArray();
  }

  String string(JsonObject parent, String field, String path, String fallback) {
    Object v = parent.getValue(field);
    if (v == null) {
      return fallback;
    }
    if (v instanceof String s) {
      return s;
    }
    problem(path, "must be a string");
    return fallback;
  }

  String requiredString(JsonObject parent, String field, String path) {
    String s = string(parent, field, path, null);
    if (s == null || s.isBlank()) {
      problem(path, "is required");
    }
    return s;
  }

  long number(JsonObject parent, String field, String path, long fallback, long min) {
    Object v = parent.getValue(field);
    if (v == null) {
      return fallback;
    }
    if (v instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue()) && n.longValue() >= min) {
      return n.longValue();
    }
    problem(path, "must be a whole number >= " + min);
    return fallback;
  }

  double decimal(JsonObject parent, String field, String path, double fallback, double min, double max) {
    Object v = parent.getValue(field);
    if (v == null) {
      return fallback;
    }
    if (v instanceof Number n && n.doubleValue() >= min && n.doubleValue() <= max) {
      return n.doubleValue();
    }
    problem(path, "must be a number between " + min + " and " + max);
    return fallback;
  }

  boolean bool(JsonObject parent, String field, String path, boolean fallback) {
    Object v = parent.getValue(field);
    if (v == null) {
      return fallback;
    }
    if (v instanceof Boolean b) {
      return b;
    }
    problem(path, "must be true or false");
    return fallback;
  }

  Duration duration(JsonObject parent, String field, String path, Duration fallback) {
    Object v = parent.getValue(field);
    if (v == null) {
      return fallback;
    }
    try {
      Duration d = Durations.parse(String.valueOf(v));
      if (d.isZero()) {
        problem(path, "must be longer than zero");
        return fallback;
      }
      return d;
    } catch (IllegalArgumentException e) {
      problem(path, e.getMessage());
      return fallback;
    }
  }

  List<String> strings(JsonObject parent, String field, String path) {
    List<String> out = new ArrayList<>();
    JsonArray array = array(parent, field, path);
    for (int i = 0; i < array.size(); i++) {
      if (array.getValue(i) instanceof String s) {
        out.add(s);
      } else {
        problem(path + "[" + i + "]", "must be a string");
      }
    }
    return out;
  }

  <T> List<T> objects(JsonObject parent, String field, String path, BiFunction<JsonObject, String, T> read) {
    List<T> out = new ArrayList<>();
    JsonArray array = array(parent, field, path);
    for (int i = 0; i < array.size(); i++) {
      String itemPath = path + "[" + i + "]";
      if (array.getValue(i) instanceof JsonObject o) {
        out.add(read.apply(o, itemPath));
      } else {
        problem(itemPath, "must be a mapping");
      }
    }
    return out;
  }
}
