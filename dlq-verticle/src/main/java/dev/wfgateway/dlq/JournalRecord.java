package dev.wfgateway.dlq;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.wfgateway.common.journal.JsonLinesJournal;
import io.vertx.core.json.JsonObject;
import java.io.IOException;

/**
 * One line of a tenant's journal: {@code {"op":"add","entry":{"id":..,...}}},
 * {@code {"op":"remove","id":..,"why":..}} or {@code {"op":"counters",...}}.
 *
 * <p>Reading keeps the top-level scalars in {@code fields} and the {@code entry} object as its
 * raw text plus its id: a start-up replay builds no entry, which is decoded only when something
 * asks for it ({@link StoredEntry}). An add record exactly as this class writes it is indexed
 * without tokenizing the entry at all, which keeps a replay fast before the JIT has compiled
 * anything; any other line is parsed in full, and must be one JSON object.
 *
 * @param fields the top-level fields with scalar values ({@code op}, {@code id}, {@code why}, counters)
 * @param entryId the {@code id} inside {@code entry}, or null
 * @param entryJson the {@code entry} object exactly as written, or null
 */
record JournalRecord(JsonObject fields, String entryId, String entryJson) {
  private static final JsonFactory JSON = new JsonFactory();
  private static final String ADD_START = "{\"op\":\"add\",\"entry\":";
  private static final String ENTRY_ID_START = "{\"id\":\"";

  /** How the journal reads a tenant's lines. */
  static final JsonLinesJournal.LineReader<JournalRecord> READER = new JsonLinesJournal.LineReader<>() {
    @Override
    public JournalRecord read(String line) {
      return readFully(line);
    }

    @Override
    public JournalRecord read(String text, int from, int to) {
      return JournalRecord.read(text, from, to);
    }
  };

  String op() {
    return fields.getString("op", "");
  }

  static String add(String entryJson) {
    return "{\"op\":\"add\",\"entry\":" + entryJson + "}";
  }

  static String remove(String id, String why) {
    return new JsonObject().put("op", "remove").put("id", id).put("why", why).encode();
  }

  static String counters(long evictions, long expired, long redriven, String lastId) {
    return new JsonObject().put("op", "counters").put("evictions", evictions).put("expired", expired)
        .put("redriven", redriven).put("lastId", lastId).encode();
  }

  /**
   * The record on {@code text[from, to)}, a line the journal wrote in full; null when it is not
   * one JSON object. The entry of an add record is checked only when it is decoded.
   */
  static JournalRecord read(String text, int from, int to) {
    JournalRecord add = readAddAsWritten(text, from, to);
    return add != null ? add : readFully(text.substring(from, to));
  }

  /**
   * {@code {"op":"add","entry":{"id":"<id>",...}}}, found by its layout; null for any other line.
   * Only String methods the JDK has long compiled run here, so this is fast even on a cold JVM.
   */
  private static JournalRecord readAddAsWritten(String text, int from, int to) {
    int entryStart = from + ADD_START.length();
    int idStart = entryStart + ENTRY_ID_START.length();
    if (to - idStart < 3 || text.charAt(to - 1) != '}' || text.charAt(to - 2) != '}'
        || !text.startsWith(ADD_START, from) || !text.startsWith(ENTRY_ID_START, entryStart)) {
      return null;
    }
    int idEnd = text.indexOf('"', idStart);
    if (idEnd < 0 || idEnd >= to) {
      return null;
    }
    return new JournalRecord(new JsonObject().put("op", "add"), text.substring(idStart, idEnd),
        text.substring(entryStart, to - 1));
  }

  /**
   * The record on this line, every character checked: for a line that may be cut short (the
   * last one, after a crash). Null when it is not exactly one JSON object.
   */
  static JournalRecord readFully(String line) {
    try (JsonParser parser = JSON.createParser(line)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      JsonObject fields = new JsonObject();
      String entryId = null;
      String entryJson = null;
      JsonToken token;
      while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
        String name = parser.currentName();
        JsonToken value = parser.nextToken();
        if (value == JsonToken.START_OBJECT && "entry".equals(name)) {
          int start = (int) parser.currentTokenLocation().getCharOffset();
          entryId = idOfEntry(parser);
          entryJson = line.substring(start, (int) parser.currentLocation().getCharOffset());
        } else if (value.isStructStart()) {
          parser.skipChildren();
        } else {
          fields.put(name, scalar(parser, value));
        }
      }
      return token == JsonToken.END_OBJECT && parser.nextToken() == null
          ? new JournalRecord(fields, entryId, entryJson) : null;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** Reads the entry object up to its end, returning its top-level {@code id}. */
  private static String idOfEntry(JsonParser parser) throws IOException {
    String id = null;
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      boolean isId = "id".equals(parser.currentName());
      JsonToken value = parser.nextToken();
      if (value.isStructStart()) {
        parser.skipChildren();
      } else if (isId && value == JsonToken.VALUE_STRING) {
        id = parser.getText();
      }
    }
    return id;
  }

  private static Object scalar(JsonParser parser, JsonToken value) throws IOException {
    return switch (value) {
      case VALUE_STRING -> parser.getText();
      case VALUE_NUMBER_INT -> parser.getLongValue();
      case VALUE_NUMBER_FLOAT -> parser.getDoubleValue();
      case VALUE_TRUE -> true;
      case VALUE_FALSE -> false;
      default -> null;
    };
  }
}
