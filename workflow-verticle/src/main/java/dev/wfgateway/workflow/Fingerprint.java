package dev.wfgateway.workflow;

import dev.wfgateway.common.config.Sha256;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.TreeSet;

/** SHA-256 of a JSON value written canonically (object keys sorted), so key order never matters. */
final class Fingerprint {
  private Fingerprint() {
  }

  static String of(Object json) {
    StringBuilder out = new StringBuilder();
    write(json, out);
    return Sha256.hex(out.toString());
  }

  private static void write(Object value, StringBuilder out) {
    if (value instanceof JsonObject object) {
      out.append('{');
      String separator = "";
      for (String key : new TreeSet<>(object.fieldNames())) {
        out.append(separator).append(Json.encode(key)).append(':');
        write(object.getValue(key), out);
        separator = ",";
      }
      out.append('}');
    } else if (value instanceof JsonArray array) {
      out.append('[');
      for (int i = 0; i < array.size(); i++) {
        if (i > 0) {
          out.append(',');
        }
        write(array.getValue(i), out);
      }
      out.append(']');
    } else {
      out.append(Json.encode(value));
    }
  }
}
