package dev.wfgateway.dlq;

import static dev.wfgateway.dlq.Entries.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.wfgateway.common.Addresses;
import dev.wfgateway.testkit.Eventually;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxTestContext;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The contract on the local journal, plus what only a journal has: restarts, torn lines, compaction. */
class LocalDlqTest extends DlqContractTest {

  @Override
  JsonObject backendConfig() {
    return new JsonObject();
  }

  /** Appends to a journal file as a crash or a hand edit would, off the event loop. */
  private Future<Void> appendToFile(Path file, String text) {
    return vertx.executeBlocking(() -> Files.writeString(file, text, StandardCharsets.UTF_8,
        StandardOpenOption.APPEND)).mapEmpty();
  }

  private Future<List<String>> encodedEntries(String tenant) {
    return all(tenant(tenant)).map(entries -> entries.stream().map(JsonObject::encode).toList());
  }

  @Test
  void bringsBackEveryEntryByteForByteAfterARestart(VertxTestContext testContext) {
    JsonObject settings = dlqSettings().put("maxEntriesPerTenant", 20_000);
    deploy(settings)
        .compose(v -> addMany("acme", "risk-check", "run", 10_000))
        .compose(v -> encodedEntries("acme"))
        .compose(before -> redeploy(settings)
            .compose(v -> encodedEntries("acme"))
            .map(verified(after -> {
              assertThat(before).hasSize(10_000);
              assertThat(after).isEqualTo(before);
            })))
        .onComplete(testContext.succeedingThenComplete());
  }

  @Test
  void skipsATornLastLineAndKeepsTheRest(VertxTestContext testContext) {
    deploy()
        .compose(v -> addMany("acme", "risk-check", "r", 3))
        .compose(v -> undeploy())
        .compose(v -> appendToFile(journalDir.resolve("acme.jsonl"), "{\"op\":\"add\",\"entry\":{\"id\":\"17"))
        .compose(v -> deploy())
        .compose(v -> runIds(tenant("acme")))
        .map(verified(ids -> assertThat(ids).containsExactly("r-0", "r-1", "r-2")))
        .compose(v -> add(json("acme", "risk-check", "timeout", "after-crash")))
        .compose(v -> redeploy(dlqSettings()))
        .compose(v -> runIds(tenant("acme")))
        .map(verified(ids -> assertThat(ids).containsExactly("r-0", "r-1", "r-2", "after-crash")))
        .onComplete(testContext.succeedingThenComplete());
  }

  @Test
  void skipsCorruptLinesAndRecordsThatAreNoEntryAndServesTheRest(VertxTestContext testContext) {
    String damage = String.join("\n",
        "{\"op\":\"add\",\"entry\":{\"id\":\"5-0\",\"tenant\":\"acme\"}}",
        "{\"op\":\"add\",\"entry\":{\"id\":\"6-0\" garbage",
        "{\"op\":\"add\",\"entry\":{\"id\":\"7-0\",garbage}}",
        "{\"op\":\"add\",\"entry\":{\"tenant\":\"acme\"}}",
        "");
    deploy()
        .compose(v -> addMany("acme", "risk-check", "r", 2))
        .compose(v -> undeploy())
        .compose(v -> appendToFile(journalDir.resolve("acme.jsonl"), damage))
        .compose(v -> deploy())
        .compose(v -> runIds(tenant("acme")))
        .map(verified(ids -> assertThat(ids).containsExactly("r-0", "r-1")))
        .compose(v -> expectFailure(Addresses.DLQ_QUERY, tenant("acme").put("id", "5-0"), 404))
        .compose(v -> expectFailure(Addresses.DLQ_QUERY, tenant("acme").put("id", "6-0"), 404))
        .compose(v -> expectFailure(Addresses.DLQ_QUERY, tenant("acme").put("id", "7-0"), 404))
        .compose(v -> add(json("acme", "risk-check", "timeout", "after")))
        .compose(v -> runIds(tenant("acme")))
        .map(verified(ids -> assertThat(ids).containsExactly("r-0", "r-1", "after")))
        .onComplete(testContext.succeedingThenComplete());
  }

  @Test
  void compactsAJournalWhereDeadRecordsDominate(VertxTestContext testContext) {
    JsonObject settings = dlqSettings().put("maxEntriesPerTenant", 10);
    Path journal = journalDir.resolve("acme.jsonl");
    deploy(settings)
        .compose(v -> addMany("acme", "risk-check", "r", 1500))
        .compose(v -> encodedEntries("acme"))
        // 1500 adds and 1490 evictions were written; compaction keeps the file near the 10 live entries.
        .compose(before -> Eventually.answers(vertx, "the journal to be compacted", Duration.ofSeconds(10),
                () -> vertx.executeBlocking(() -> lineCount(journal) < 1100))
            .compose(v -> redeploy(settings))
            .compose(v -> encodedEntries("acme"))
            .map(verified(after -> assertThat(after).hasSize(10).isEqualTo(before))))
        .compose(v -> stats(null))
        .map(verified(stats -> {
          assertThat(stats.getLong("totalEvictions")).isEqualTo(1490);
          assertThat(stats.getLong("size")).isEqualTo(10);
        }))
        .onComplete(testContext.succeedingThenComplete());
  }

  /** The configured rate reaches the redrive (RedriveTest asserts the pace exactly, on fake timers). */
  @Test
  void pacesRedrivesAtTheConfiguredRate(VertxTestContext testContext) {
    List<JsonObject> submitted = new CopyOnWriteArrayList<>();
    long[] started = new long[1];
    deploy(dlqSettings().put("redriveRatePerSecond", 20))
        .compose(v -> fakeWorkflowSubmit(submitted))
        .compose(v -> addMany("acme", "risk-check", "r", 10))
        .compose(v -> {
          started[0] = System.nanoTime();
          return request(Addresses.DLQ_RETRY, tenant("acme"));
        })
        .map(verified(result -> {
          long elapsedMillis = (System.nanoTime() - started[0]) / 1_000_000;
          assertThat(result.getInteger("retried")).isEqualTo(10);
          assertThat(submitted).hasSize(10);
          assertThat(elapsedMillis).as("10 submissions at 20/s, the first 50 ms in, take 500 ms")
              .isGreaterThanOrEqualTo(450);
        }))
        .onComplete(testContext.succeedingThenComplete());
  }

  private static long lineCount(Path file) throws IOException {
    try (var lines = Files.lines(file)) {
      return lines.count();
    }
  }
}
