package dev.wfgateway.dlq;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wfgateway.common.messages.DlqEntry;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

class DeadLetterPageTest {
  private static DlqEntry entry(String id, JsonObject input) {
    return DlqEntry.fromJson(Entries.json("acme", "risk-check", "step_failed", "run-" + id)
        .put("input", input).put("id", id));
  }

  /** An entry stored before the limits held (Jackson writes at most 1000 levels) must not sink the page. */
  @Test
  void anEntryThatCannotBeEncodedIsSkippedAndNamed() {
    DeadLetterQueue.Page page = new DeadLetterQueue.Page(List.of(entry("1-0", new JsonObject().put("n", 1)),
        entry("2-0", Entries.nestedObjects(997)), entry("3-0", new JsonObject())), "cursor");

    JsonObject json = page.toJson();
    String encoded = json.encode();

    assertThat(json.getJsonArray("entries").stream().map(e -> ((JsonObject) e).getString("id")))
        .containsExactly("1-0", "3-0");
    JsonArray skipped = json.getJsonArray("skipped");
    assertThat(skipped).hasSize(1);
    assertThat(skipped.getJsonObject(0).getString("id")).isEqualTo("2-0");
    assertThat(skipped.getJsonObject(0).getString("reason")).contains("nested deeper");
    assertThat(json.getString("nextCursor")).isEqualTo("cursor");
    assertThat(encoded).contains("\"skipped\"");
  }

  @Test
  void aPageWithNothingToSkipSaysNothingAboutSkipping() {
    JsonObject json = new DeadLetterQueue.Page(List.of(entry("1-0", new JsonObject())), null).toJson();
    assertThat(json.containsKey("skipped")).isFalse();
    assertThat(json.containsKey("nextCursor")).isFalse();
  }
}
