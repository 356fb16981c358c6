package dev.wfgateway.common.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import dev.wfgateway.common.json.JsonRejected.Kind;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * The one way JSON from outside (HTTP bodies, messages of other services, downstream answers) gets
 * in: whatever it accepts can be stored, encoded and read back unchanged. Refused, with a pointer:
 * invalid UTF-8 (overlong forms, surrogates), nesting deeper than the limit (checked while
 * reading, so a hostile text never recurses far), numbers that would overflow to infinity or
 * underflow to zero, duplicate member names (a parser silently keeps one), unpaired surrogate
 * escapes, and anything after the value. Values are the types Vert.x's own decoder produces.
 */
public final class StrictJson {
  /**
   * The deepest any configuration may ask for: records wrap an input in a few more levels, and
   * Jackson refuses to write past 1000.
   */
  public static final int DEPTH_CEILING = 500;
  private static final int MAX_POINTER_CHARS = 200;
  private static final JsonFactory FACTORY = new JsonFactory();

  private final int maxDepth;
  private final int envelopeLevels;
  private final StringBuilder pointer;

  private StrictJson(int maxDepth, int envelopeLevels, String basePointer) {
    this.maxDepth = maxDepth;
    this.envelopeLevels = envelopeLevels;
    this.pointer = new StringBuilder(basePointer);
  }

  /**
   * Reads one JSON value. The outer {@code envelopeLevels} containers do not count towards
   * {@code maxDepth}: 1 for a body {@code {"input": {...}}} whose input is what the limit is for.
   */
  public static Object decode(Buffer json, int maxDepth, int envelopeLevels) {
    byte[] bytes = json.getBytes();
    int invalidAt = Utf8.firstInvalidByte(bytes);
    if (invalidAt >= 0) {
      throw new JsonRejected(Kind.MALFORMED, "", "The body is not valid UTF-8 (at byte " + invalidAt + ")");
    }
    StrictJson reader = new StrictJson(maxDepth, envelopeLevels, "");
    try (JsonParser parser = FACTORY.createParser(bytes)) {
      JsonToken first = parser.nextToken();
      if (first == null) {
        throw new JsonRejected(Kind.MALFORMED, "", "The body holds no JSON value");
      }
      Object value = reader.read(parser, first, 1);
      if (parser.nextToken() != null) {
        throw new JsonRejected(Kind.MALFORMED, "", "The body goes on after its JSON value");
      }
      return value;
    } catch (StreamConstraintsException e) {
      throw new JsonRejected(Kind.NUMBER_OUT_OF_RANGE, reader.pointer(), "A number or string is longer than the parser accepts");
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      throw new JsonRejected(Kind.MALFORMED, "", "The body is not valid JSON"
          + (at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")"));
    } catch (IOException e) {
      throw new JsonRejected(Kind.MALFORMED, "", "The body is not valid JSON");
    }
  }

  /**
   * Holds a value that arrived already decoded (an event-bus message) to the same rules, except the
   * ones only text can break; {@code basePointer} names where the value sits in its message.
   */
  public static void check(Object value, int maxDepth, String basePointer) {
    new StrictJson(maxDepth, 0, basePointer).check(value, 1);
  }

  private Object read(JsonParser parser, JsonToken token, int depth) throws IOException {
    switch (token) {
      case START_OBJECT -> {
        enter(depth);
        JsonObject object = new JsonObject();
        for (JsonToken next = parser.nextToken(); next == JsonToken.FIELD_NAME; next = parser.nextToken()) {
          String name = parser.currentName();
          int mark = push(name);
          requireText(name);
          if (object.containsKey(name)) {
            throw new JsonRejected(Kind.DUPLICATE_KEY, pointer(), "The member '" + shorten(name) + "' appears twice");
          }
          object.put(name, read(parser, parser.nextToken(), depth + 1));
          pointer.setLength(mark);
        }
        return object;
      }
      case START_ARRAY -> {
        enter(depth);
        JsonArray array = new JsonArray();
        for (JsonToken next = parser.nextToken(); next != JsonToken.END_ARRAY; next = parser.nextToken()) {
          int mark = push(Integer.toString(array.size()));
          array.add(read(parser, next, depth + 1));
          pointer.setLength(mark);
        }
        return array;
      }
      case VALUE_STRING -> {
        String text = parser.getText();
        requireText(text);
        return text;
      }
      case VALUE_NUMBER_INT -> {
        return parser.getNumberValue();
      }
      case VALUE_NUMBER_FLOAT -> {
        double number = parser.getDoubleValue();
        requireRepresentable(number, parser.getText());
        return number;
      }
      case VALUE_TRUE -> {
        return Boolean.TRUE;
      }
      case VALUE_FALSE -> {
        return Boolean.FALSE;
      }
      case VALUE_NULL -> {
        return null;
      }
      default -> throw new JsonRejected(Kind.MALFORMED, pointer(), "Unexpected " + token + " in the JSON");
    }
  }

  private void check(Object value, int depth) {
    if (value instanceof JsonObject object) {
      checkMembers(object.getMap(), depth);
    } else if (value instanceof Map<?, ?> map) {
      checkMembers(map, depth);
    } else if (value instanceof JsonArray array) {
      checkElements(array.getList(), depth);
    } else if (value instanceof List<?> list) {
      checkElements(list, depth);
    } else if (value instanceof String text) {
      requireText(text);
    } else if (value instanceof Double || value instanceof Float) {
      double number = ((Number) value).doubleValue();
      if (!Double.isFinite(number)) {
        throw new JsonRejected(Kind.NUMBER_OUT_OF_RANGE, pointer(), "A number is not finite");
      }
    }
  }

  private void checkMembers(Map<?, ?> members, int depth) {
    enter(depth);
    for (Map.Entry<?, ?> member : members.entrySet()) {
      String name = String.valueOf(member.getKey());
      int mark = push(name);
      requireText(name);
      check(member.getValue(), depth + 1);
      pointer.setLength(mark);
    }
  }

  private void checkElements(List<?> elements, int depth) {
    enter(depth);
    for (int i = 0; i < elements.size(); i++) {
      int mark = push(Integer.toString(i));
      check(elements.get(i), depth + 1);
      pointer.setLength(mark);
    }
  }

  private void enter(int depth) {
    if (depth - envelopeLevels > maxDepth) {
      throw new JsonRejected(Kind.TOO_DEEP, pointer(), "The JSON is nested deeper than " + maxDepth + " levels");
    }
  }

  /** A double that came out infinite, or zero from digits that are not all zero, is not what was sent. */
  private void requireRepresentable(double number, String text) {
    if (Double.isInfinite(number)) {
      throw new JsonRejected(Kind.NUMBER_OUT_OF_RANGE, pointer(), "The number " + shorten(text) + " is too large");
    }
    if (number == 0.0) {
      int exponent = Math.max(text.indexOf('e'), text.indexOf('E'));
      String mantissa = exponent < 0 ? text : text.substring(0, exponent);
      if (mantissa.chars().anyMatch(c -> c >= '1' && c <= '9')) {
        throw new JsonRejected(Kind.NUMBER_OUT_OF_RANGE, pointer(), "The number " + shorten(text) + " is too small to represent");
      }
    }
  }

  /** Strings must be Unicode: an escaped surrogate without its pair cannot be stored or sent on. */
  private void requireText(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        throw new JsonRejected(Kind.INVALID_TEXT, pointer(), "A string holds an unpaired surrogate (U+"
            + Integer.toHexString(c).toUpperCase(java.util.Locale.ROOT) + ")");
      }
    }
  }

  private int push(String token) {
    int mark = pointer.length();
    pointer.append('/').append(token.replace("~", "~0").replace("/", "~1"));
    return mark;
  }

  private String pointer() {
    return pointer.length() <= MAX_POINTER_CHARS ? pointer.toString() : pointer.substring(0, MAX_POINTER_CHARS) + "…";
  }

  private static String shorten(String text) {
    return text.length() <= 40 ? text : text.substring(0, 40) + "…";
  }
}
