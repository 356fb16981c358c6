package dev.wfgateway.common.config;

import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.util.Objects;

/**
 * A step's {@code when}: the value {@code pointer} names in {@code {input, steps}} equals
 * {@code equalTo}, or, with {@code exists} set instead, is present ({@code true}) or absent
 * ({@code false}). JSON null counts as absent.
 */
public record StepCondition(String pointer, Object equalTo, Boolean exists) {

  public boolean holds(JsonObject scope) {
    Object value = JsonPointers.resolve(scope, pointer);
    if (exists != null) {
      return exists == (value != null);
    }
    return sameJson(value, equalTo);
  }

  /** JSON equality: numbers compare by value (1 equals 1.0), everything else as Vert.x JSON does. */
  private static boolean sameJson(Object a, Object b) {
    if (a instanceof Number x && b instanceof Number y) {
      return new BigDecimal(x.toString()).compareTo(new BigDecimal(y.toString())) == 0;
    }
    return Objects.equals(a, b);
  }
}
