package dev.wfgateway.common.config;

import io.vertx.core.json.JsonObject;
import io.vertx.core.json.pointer.JsonPointer;
import java.util.ArrayList;
import java.util.List;

/**
 * RFC 6901 JSON Pointers as workflow definitions use them, into {@code {input, steps}}: their tokens
 * for the load-time checks, Vert.x's {@link JsonPointer} to read them.
 */
public final class JsonPointers {
  private JsonPointers() {
  }

  /** The pointer's reference tokens, unescaped; null when {@code pointer} is not a JSON Pointer. */
  public static List<String> tokens(String pointer) {
    if (pointer == null || !pointer.startsWith("/")) {
      return null;
    }
    List<String> tokens = new ArrayList<>();
    for (String raw : pointer.substring(1).split("/", -1)) {
      if (raw.replace("~0", "").replace("~1", "").contains("~")) {
        return null;
      }
      tokens.add(raw.replace("~1", "/").replace("~0", "~"));
    }
    return tokens;
  }

  /** The value {@code pointer} names in {@code document}, or null when it names nothing (or JSON null). */
  public static Object resolve(JsonObject document, String pointer) {
    return JsonPointer.from(pointer).queryJson(document);
  }
}
