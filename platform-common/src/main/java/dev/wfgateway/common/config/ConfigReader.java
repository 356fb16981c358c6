package dev.wfgateway.common.config;

import dev.wfgateway.common.Durations;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * Reads typed values out of configuration JSON, collecting every problem with its path instead of
 * stopping at the first, so that one start-up attempt shows everything that needs fixing.
 *
 * <p>It also remembers which keys of each section it was asked for: {@link #unknownKeys()} then
 * names every key nobody reads, so a misspelt key stops the node instead of being ignored. Mappings
 * whose keys the user chooses (tenants, workflows, a JSON schema) are read with {@link #entries}
 * and left out of that check.
 */
final class ConfigReader {
  private final List<String> problems = new ArrayList<>();
  private final Map<JsonObject, Section> sections = new IdentityHashMap<>();

  private record Section(String path, Set<String> read) {
  }

  /** Starts the reading of the file's top level. */
  ConfigReader(JsonObject root) {
    section(root, "");
  }

  private JsonObject section(JsonObject json, String path) {
    sections.computeIfAbsent(json, j -> new Section(path, new LinkedHashSet<>()));
    return json;
  }

  /** The raw value of {@code field}, counted as read. */
  Object value(JsonObject parent, String field) {
    if (parent == null) {
      return null;
    }
    Section section = sections.get(parent);
    if (section != null) {
      section.read().add(field);
    }
    return parent.getValue(field);
  }

  boolean has(JsonObject parent, String field) {
    return value(parent, field) != null;
  }

  /** Adds a problem for every key of every section read so far that no reader asked for. */
  void unknownKeys() {
    sections.forEach((json, section) -> json.fieldNames().stream()
        .filter(key -> !section.read().contains(key))
        .sorted()
        .forEach(key -> problem(section.path().isEmpty() ? key : section.path() + "." + key,
            "unknown key" + (section.read().isEmpty() ? "" : " (known here: "
                + String.join(", ", section.read().stream().sorted().toList()) + ")"))));
  }

  void problem(String path, String message) {
    problems.add(path + ": " + message);
  }

  List<String> problems() {
    return problems;
  }

  /** A section with known keys: every key in it must be read by someone. */
  JsonObject object(JsonObject parent, String field, String path) {
    return section(entries(parent, field, path), path);
  }

  /** A mapping whose keys the user chooses; its keys are not checked. */
  JsonObject entries(JsonObject parent, String field, String path) {
    Object v = value(parent, field);
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
    Object v = value(parent, field);
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
    Object v = value(parent, field);
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
    Object v = value(parent, field);
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
    Object v = value(parent, field);
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
    Object v = value(parent, field);
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
    Object v = value(parent, field);
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

  /** Like {@link #duration} but {@code 0} (or {@code 0s}) is allowed: it turns the feature off. */
  Duration durationOrZero(JsonObject parent, String field, String path, Duration fallback) {
    Object v = value(parent, field);
    if (v == null) {
      return fallback;
    }
    try {
      return Durations.parse(String.valueOf(v));
    } catch (IllegalArgumentException e) {
      problem(path, e.getMessage());
      return fallback;
    }
  }

  /**
   * A mapping of user-chosen names to sections ({@code tenants}, {@code workflows}, ...): each value
   * must be a mapping, and is checked for unknown keys as any section.
   */
  Map<String, JsonObject> namedSections(JsonObject parent, String field) {
    Map<String, JsonObject> out = new java.util.LinkedHashMap<>();
    entries(parent, field, field).forEach(e -> {
      String path = field + "." + e.getKey();
      if (e.getValue() instanceof JsonObject o) {
        out.put(e.getKey(), section(o, path));
      } else {
        problem(path, "must be a mapping");
      }
    });
    return out;
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
        out.add(read.apply(section(o, itemPath), itemPath));
      } else {
        problem(itemPath, "must be a mapping");
      }
    }
    return out;
  }
}
