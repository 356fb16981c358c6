package dev.wfgateway.dlq;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wfgateway.common.Addresses;
import dev.wfgateway.testkit.Await;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The contract on the local journal, plus what only a journal has: restarts, torn lines, compaction. */
class LocalDlqTest extends DlqContractTest {

  @Override
  JsonObject backendConfig() {
    return new JsonObject();
  }

  @Test
  void bringsBackEveryEntryByteForByteAfterARestart() {
    deploy(dlqSettings().put("maxEntriesPerTenant", 20_000));
    addMany("acme", "risk-check", "run", 10_000);
    List<String> before = all(new JsonObject().put("tenant", "acme")).stream().map(JsonObject::encode).toList();
    assertThat(before).hasSize(10_000);

    undeploy();
    deploy(dlqSettings().put("maxEntriesPerTenant", 20_000));

    List<String> after = all(new JsonObject().put("tenant", "acme")).stream().map(JsonObject::encode).toList();
    assertThat(after).isEqualTo(before);
  }

  @Test
  void skipsATornLastLineAndKeepsTheRest() throws IOException {
    deploy();
    addMany("acme", "risk-check", "r", 3);
    undeploy();
    Path journal = journalDir.resolve("acme.jsonl");
    Files.writeString(journal, "{\"op\":\"add\",\"entry\":{\"id\":\"17", StandardCharsets.UTF_8,
        StandardOpenOption.APPEND);

    deploy();
    assertThat(runIds(new JsonObject().put("tenant", "acme"))).containsExactlyInAnyOrder("r-0", "r-1", "r-2");
    add(entry("acme", "risk-check", "timeout", "after-crash"));
    undeploy();
    deploy();
    assertThat(runIds(new JsonObject().put("tenant", "acme"))).hasSize(4).contains("after-crash");
  }

  @Test
  void skipsCorruptLinesAndRecordsThatAreNoEntryAndServesTheRest() throws IOException {
    deploy();
    addMany("acme", "risk-check", "r", 2);
    undeploy();
    Files.writeString(journalDir.resolve("acme.jsonl"), String.join("\n",
        "{\"op\":\"add\",\"entry\":{\"id\":\"5-0\",\"tenant\":\"acme\"}}",
        "{\"op\":\"add\",\"entry\":{\"id\":\"6-0\" garbage",
        "{\"op\":\"add\",\"entry\":{\"id\":\"7-0\",garbage}}",
        "{\"op\":\"add\",\"entry\":{\"tenant\":\"acme\"}}",
        "") , StandardCharsets.UTF_8, StandardOpenOption.APPEND);

    deploy();
    assertThat(runIds(new JsonObject().put("tenant", "acme"))).containsExactly("r-0", "r-1");
    for (String id : List.of("5-0", "6-0", "7-0")) {
      assertThat(failureCode(Addresses.DLQ_QUERY, new JsonObject().put("tenant", "acme").put("id", id)))
          .isEqualTo(404);
    }
    add(entry("acme", "risk-check", "timeout", "after"));
    assertThat(runIds(new JsonObject().put("tenant", "acme"))).containsExactly("r-0", "r-1", "after");
  }

  @Test
  void compactsAJournalWhereDeadRecordsDominate() {
    deploy(dlqSettings().put("maxEntriesPerTenant", 10));
    addMany("acme", "risk-check", "r", 1500);
    List<String> before = all(new JsonObject().put("tenant", "acme")).stream().map(JsonObject::encode).toList();
    Path journal = journalDir.resolve("acme.jsonl");
    // 1500 adds and 1490 evictions were written; compaction keeps the file near the 10 live entries.
    Await.until("the journal to be compacted", Duration.ofSeconds(10), () -> lineCount(journal) < 1100);

    undeploy();
    deploy(dlqSettings().put("maxEntriesPerTenant", 10));
    assertThat(all(new JsonObject().put("tenant", "acme")).stream().map(JsonObject::encode).toList())
        .isEqualTo(before);
    assertThat(stats("acme").getLong("totalEvictions")).isEqualTo(1490);
    assertThat(request(Addresses.DLQ_STATS, new JsonObject()).getLong("size")).isEqualTo(10);
  }

  @Test
  void pacesRedrivesAtTheConfiguredRate() {
    deploy(dlqSettings().put("redriveRatePerSecond", 20));
    List<JsonObject> submitted = fakeWorkflowSubmit();
    addMany("acme", "risk-check", "r", 10);

    long started = System.nanoTime();
    JsonObject result = request(Addresses.DLQ_RETRY, new JsonObject().put("tenant", "acme"));
    long elapsedMillis = (System.nanoTime() - started) / 1_000_000;

    assertThat(result.getInteger("retried")).isEqualTo(10);
    assertThat(submitted).hasSize(10);
    assertThat(elapsedMillis).as("10 submissions at 20/s take at least 9 intervals of 50 ms")
        .isGreaterThanOrEqualTo(400);
  }

  private static long lineCount(Path file) {
    try (var lines = Files.lines(file)) {
      return lines.count();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
