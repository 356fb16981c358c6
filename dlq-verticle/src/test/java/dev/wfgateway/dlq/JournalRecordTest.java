package dev.wfgateway.dlq;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class JournalRecordTest {

  private static JournalRecord readMiddleOf(String before, String line, String after) {
    return JournalRecord.read(before + line + after, before.length(), before.length() + line.length());
  }

  @Test
  void keepsTheEntryTextExactlyAsWrittenWithItsId() {
    String entry = new JsonObject().put("id", "17-3").put("tenant", "acme")
        .put("input", new JsonObject().put("note", "naïve \"quoted\" ✓ \\n").put("list", new JsonObject()
            .put("nested", new io.vertx.core.json.JsonArray().add(1).add(new JsonObject().put("id", "not-this")))))
        .put("redriveCount", 2).encode();

    JournalRecord record = readMiddleOf("{\"op\":\"add\"}\n", JournalRecord.add(entry), "\n{\"op\":\"remove\"}");

    assertThat(record.op()).isEqualTo("add");
    assertThat(record.entryId()).isEqualTo("17-3");
    assertThat(record.entryJson()).isEqualTo(entry);
    assertThat(JournalRecord.readFully(JournalRecord.add(entry))).isEqualTo(record);
  }

  @Test
  void parsesInFullAnAddWhoseEntryDoesNotStartWithItsId() {
    String entry = new JsonObject().put("tenant", "acme").put("id", "17-4").encode();
    JournalRecord record = readMiddleOf("", JournalRecord.add(entry), "");
    assertThat(record.entryId()).isEqualTo("17-4");
    assertThat(record.entryJson()).isEqualTo(entry);
  }

  @Test
  void readsTheScalarFieldsOfRemovalsAndCounters() {
    JournalRecord removal = readMiddleOf("", JournalRecord.remove("5-0", "redriven"), "");
    assertThat(removal.fields()).isEqualTo(new JsonObject().put("op", "remove").put("id", "5-0").put("why", "redriven"));
    assertThat(removal.entryJson()).isNull();

    JournalRecord counters = readMiddleOf("", JournalRecord.counters(3, 4, 5, "9-1"), "");
    assertThat(counters.fields().getLong("expired")).isEqualTo(4L);
    assertThat(counters.fields().getString("lastId")).isEqualTo("9-1");
  }

  @Test
  void refusesAnythingButExactlyOneJsonObject() {
    assertThat(readMiddleOf("", "{\"op\":\"add\",\"entry\":{\"id\":\"17", "")).isNull();
    assertThat(readMiddleOf("", "{\"op\":\"add\"} {\"op\":\"add\"}", "")).isNull();
    assertThat(readMiddleOf("", "[1,2]", "")).isNull();
    assertThat(readMiddleOf("", "not json", "")).isNull();
    assertThat(readMiddleOf("", "", "")).isNull();
  }
}
