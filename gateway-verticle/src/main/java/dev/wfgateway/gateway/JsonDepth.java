package dev.wfgateway.gateway;

import io.vertx.core.buffer.Buffer;

/**
 * How deep a JSON text nests, found by one pass over its bytes without parsing it, so that a
 * hostile body cannot make the parser (or a later encoder) recurse a thousand levels.
 */
final class JsonDepth {
  private JsonDepth() {
  }

  /** True when some array or object in {@code json} sits more than {@code max} levels deep. */
  static boolean exceeds(Buffer json, int max) {
    int depth = 0;
    boolean inString = false;
    for (int i = 0; i < json.length(); i++) {
      byte b = json.getByte(i);
      if (inString) {
        if (b == '\\') {
          i++;
        } else if (b == '"') {
          inString = false;
        }
      } else if (b == '"') {
        inString = true;
      } else if (b == '{' || b == '[') {
        if (++depth > max) {
          return true;
        }
      } else if (b == '}' || b == ']') {
        depth--;
      }
    }
    return false;
  }
}
