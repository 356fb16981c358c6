package dev.wfgateway.common.config;

import io.vertx.core.json.JsonObject;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A step's {@code input}: the body it receives, each field taken from a JSON Pointer into
 * {@code {input, steps}}, or from its default when the pointer names nothing.
 */
public record StepInput(Map<String, Field> fields) {

  /** {@code hasDefault} distinguishes a default of JSON null from no default. */
  public record Field(String pointer, boolean hasDefault, Object defaultValue) {
  }

  /** Thrown when a field's pointer names nothing and the field has no default. */
  public static final class MissingValue extends RuntimeException {
    private final String field;
    private final String pointer;

    MissingValue(String field, String pointer) {
      super("input field '" + field + "': " + pointer + " resolves to nothing and has no default", null, false, false);
      this.field = field;
      this.pointer = pointer;
    }

    public String field() {
      return field;
    }

    public String pointer() {
      return pointer;
    }
  }

  public StepInput {
    fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
  }

  /** The body built from {@code scope} ({@code {input, steps}}), its fields in the definition's order. */
  public JsonObject build(JsonObject scope) {
    JsonObject body = new JsonObject();
    for (Map.Entry<String, Field> entry : fields.entrySet()) {
      String name = entry.getKey();
      Field field = entry.getValue();
      Object value = JsonPointers.resolve(scope, field.pointer());
      if (value == null && !field.hasDefault()) {
        throw new MissingValue(name, field.pointer());
      }
      body.put(name, value != null ? value : field.defaultValue());
    }
    return body;
  }
}
