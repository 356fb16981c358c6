package dev.wfgateway.common.journal;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Checkpoint;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import java.util.stream.Collector;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The journal on real files: what a replay makes of a crash's leftovers (a torn last line, a
 * corrupt line, an empty file), that appends are group-committed and complete only once written,
 * rewrites and compactions, and closing.
 *
 * <p>platform-common cannot see the testkit (the testkit depends on it), so the Vert.x instance
 * here is a plain one; what must not run on an event loop is asserted directly instead.
 */
@ExtendWith(VertxExtension.class)
class JsonLinesJournalTest {
  /** The journal's read chunk; lines across its edges are read in parts and joined. */
  private static final int CHUNK_BYTES = 1 << 20;
  private static final JsonLinesJournal.LineReader<JsonObject> READER = line -> {
    try {
      return new JsonObject(line);
    } catch (RuntimeException e) {
      return null;
    }
  };

  @TempDir
  Path tempDir;
  Path dir;
  Vertx vertx;
  JsonLinesJournal journal;
  /** Held here: JUL keeps loggers only weakly, and a collected one would lose the handler. */
  private final Logger journalLog = Logger.getLogger(JsonLinesJournal.class.getName());
  private final List<String> warnings = new CopyOnWriteArrayList<>();
  private final Handler warningsHandler = new Handler() {
    @Override
    public void publish(LogRecord record) {
      if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
        warnings.add(new SimpleFormatter().formatMessage(record));
      }
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
    }
  };

  @BeforeEach
  void createJournal() {
    dir = tempDir.resolve("journal");
    vertx = Vertx.vertx();
    journal = new JsonLinesJournal(vertx, dir);
    journalLog.addHandler(warningsHandler);
  }

  @AfterEach
  void closeVertx(VertxTestContext testContext) {
    journalLog.removeHandler(warningsHandler);
    vertx.close().onComplete(testContext.succeedingThenComplete());
  }

  // ---- helpers ----

  private static String line(int n) {
    return new JsonObject().put("n", n).encode();
  }

  private Path file(String name) {
    return dir.resolve(name + JsonLinesJournal.SUFFIX);
  }

  private void write(String name, String content) throws IOException {
    Files.createDirectories(dir);
    Files.writeString(file(name), content, StandardCharsets.UTF_8);
  }

  /** The file as it is now: only while the journal cannot be writing it, or for a look on purpose. */
  private String contentOf(String name) {
    try {
      return Files.readString(file(name), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private List<String> linesOf(String name) {
    return contentOf(name).lines().toList();
  }

  private Future<List<String>> replay(JsonLinesJournal from, String name) {
    return from.replay(name, READER, Collectors.mapping(JsonObject::encode, Collectors.toList()));
  }

  /** The journal as the next process opens it. */
  private JsonLinesJournal reopened() {
    return new JsonLinesJournal(vertx, dir);
  }

  private void onContext(VertxTestContext testContext, VertxTestContext.ExecutionBlock block) {
    vertx.runOnContext(v -> testContext.verify(block));
  }

  // ---- replay ----

  @Test
  void aMissingDirectoryHasNoNamesAndAMissingFileNoRecords(VertxTestContext testContext) {
    journal.names()
        .compose(names -> {
          testContext.verify(() -> {
            assertThat(names).isEmpty();
            assertThat(dir).isDirectory();
          });
          return replay(journal, "acme");
        })
        .onComplete(testContext.succeeding(records -> testContext.verify(() -> {
          assertThat(records).isEmpty();
          assertThat(file("acme")).doesNotExist();
          assertThat(warnings).isEmpty();
          testContext.completeNow();
        })));
  }

  @Test
  void anEmptyFileIsANameWithNoRecordsAndTakesAppends(VertxTestContext testContext) throws IOException {
    write("acme", "");
    journal.names()
        .compose(names -> {
          testContext.verify(() -> assertThat(names).containsExactly("acme"));
          return replay(journal, "acme");
        })
        .compose(records -> {
          testContext.verify(() -> assertThat(records).isEmpty());
          return journal.append("acme", line(1));
        })
        .onComplete(testContext.succeeding(v -> testContext.verify(() -> {
          assertThat(contentOf("acme")).isEqualTo(line(1) + "\n");
          assertThat(warnings).isEmpty();
          testContext.completeNow();
        })));
  }

  @Test
  void aRestartReplaysEveryFileInAppendOrderAndListsOnlyJournalFiles(VertxTestContext testContext)
      throws IOException {
    Files.createDirectories(dir.resolve("folder" + JsonLinesJournal.SUFFIX));
    Files.writeString(dir.resolve("notes.txt"), "not a journal");
    Files.writeString(dir.resolve("acme" + JsonLinesJournal.SUFFIX + ".compacting"), "left by a crash");
    Future.all(journal.append("globex", line(10)), journal.append("acme", line(1)), journal.append("acme", line(2)),
            journal.append("globex", line(11)), journal.append("acme", line(3)))
        .compose(v -> journal.close())
        .compose(v -> {
          JsonLinesJournal next = reopened();
          return Future.all(next.names(), replay(next, "acme"), replay(next, "globex"));
        })
        .onComplete(testContext.succeeding(all -> testContext.verify(() -> {
          assertThat(all.<List<String>>resultAt(0)).containsExactly("acme", "globex");
          assertThat(all.<List<String>>resultAt(1)).containsExactly(line(1), line(2), line(3));
          assertThat(all.<List<String>>resultAt(2)).containsExactly(line(10), line(11));
          testContext.completeNow();
        })));
  }

  @Test
  void replayReadsAndFoldsOnAWorkerThread(VertxTestContext testContext) throws IOException {
    write("acme", line(1) + "\n" + line(2));
    List<Boolean> onWorker = new CopyOnWriteArrayList<>();
    JsonLinesJournal.LineReader<String> reader = text -> {
      onWorker.add(Context.isOnWorkerThread());
      return text;
    };
    journal.replay("acme", reader, Collectors.collectingAndThen(Collectors.toList(), lines -> {
      onWorker.add(Context.isOnWorkerThread());
      return lines;
    })).onComplete(testContext.succeeding(lines -> testContext.verify(() -> {
      assertThat(lines).containsExactly(line(1), line(2));
      assertThat(onWorker).hasSize(3).containsOnly(true);
      testContext.completeNow();
    })));
  }

  @Test
  void aTornLastLineIsSkippedAndCutOffSoTheNextAppendStartsOnACleanLine(VertxTestContext testContext)
      throws IOException {
    write("acme", line(1) + "\n" + line(2) + "\n" + "{\"n\":3,\"tr");
    replay(journal, "acme")
        .compose(records -> {
          testContext.verify(() -> {
            assertThat(records).containsExactly(line(1), line(2));
            assertThat(contentOf("acme")).isEqualTo(line(1) + "\n" + line(2) + "\n");
            assertThat(warnings).containsExactly(
                "journal " + file("acme") + ": skipping torn last line 3 (a write interrupted by a crash)");
          });
          return journal.append("acme", line(4));
        })
        .compose(v -> replay(reopened(), "acme"))
        .onComplete(testContext.succeeding(records -> testContext.verify(() -> {
          assertThat(records).containsExactly(line(1), line(2), line(4));
          assertThat(warnings).hasSize(1);
          testContext.completeNow();
        })));
  }

  @Test
  void aWholeLastLineWithoutItsNewlineIsKeptAndGetsOne(VertxTestContext testContext) throws IOException {
    write("acme", line(1) + "\n" + line(2));
    replay(journal, "acme")
        .compose(records -> {
          testContext.verify(() -> {
            assertThat(records).containsExactly(line(1), line(2));
            assertThat(contentOf("acme")).isEqualTo(line(1) + "\n" + line(2) + "\n");
          });
          return journal.append("acme", line(3));
        })
        .compose(v -> replay(reopened(), "acme"))
        .onComplete(testContext.succeeding(records -> testContext.verify(() -> {
          assertThat(records).containsExactly(line(1), line(2), line(3));
          assertThat(warnings).isEmpty();
          testContext.completeNow();
        })));
  }

  /** A corrupt line is skipped, named in a warning, and left where it is: nothing counts it. */
  @Test
  void aCorruptLineInTheMiddleIsSkippedWithAWarningNamingFileAndLineAndStaysInTheFile(VertxTestContext testContext)
      throws IOException {
    String content = String.join("\n", line(1), "not json", line(3), "", "{\"n\":", line(6), "   ", line(8), "");
    write("acme", content);
    replay(journal, "acme").onComplete(testContext.succeeding(records -> testContext.verify(() -> {
      assertThat(records).containsExactly(line(1), line(3), line(6), line(8));
      assertThat(warnings).containsExactly("journal " + file("acme") + ": skipping corrupt line 2",
          "journal " + file("acme") + ": skipping corrupt line 5");
      assertThat(contentOf("acme")).isEqualTo(content);
      testContext.completeNow();
    })));
  }

  @Test
  void aLineAcrossTheReadChunksIsReadWholeEvenInsideACharacter(VertxTestContext testContext) throws IOException {
    String prefix = "{\"s\":\"";
    // The first ✓ (3 bytes in UTF-8) starts on the chunk's last byte; the second line spans a whole chunk edge.
    String first = prefix + "a".repeat(CHUNK_BYTES - 1 - prefix.length()) + "✓✓✓\"}";
    String second = prefix + "ü".repeat(CHUNK_BYTES / 2 + 10) + "\"}";
    write("acme", first + "\n" + second + "\n" + line(3) + "\n");
    assertThat(first.substring(0, CHUNK_BYTES - 1).getBytes(StandardCharsets.UTF_8)).hasSize(CHUNK_BYTES - 1);
    replay(journal, "acme").onComplete(testContext.succeeding(records -> testContext.verify(() -> {
      assertThat(records).containsExactly(first, second, line(3));
      assertThat(warnings).isEmpty();
      testContext.completeNow();
    })));
  }

  // ---- appends ----

  /**
   * The first append goes out alone; everything appended while it is written, also from its
   * completion, goes out together next, in order. Each completion looks at the file: it runs before
   * the journal can start its next batch.
   */
  @Test
  void appendsWhileABatchIsWrittenGoOutTogetherNextInOrder(VertxTestContext testContext) {
    List<String> completed = new CopyOnWriteArrayList<>();
    Checkpoint looked = testContext.checkpoint(3);
    onContext(testContext, () -> {
      Future<Void> first = journal.append("acme", line(1));
      Future<Void> second = journal.append("acme", line(2)).onSuccess(v -> completed.add("acme 2"));
      for (int n = 3; n <= 5; n++) {
        int number = n;
        journal.append("acme", line(n)).onSuccess(v -> completed.add("acme " + number));
      }
      journal.append("globex", line(1)).onSuccess(v -> completed.add("globex 1"));
      first.onComplete(testContext.succeeding(v -> testContext.verify(() -> {
        assertThat(linesOf("acme")).containsExactly(line(1));
        assertThat(file("globex")).doesNotExist();
        journal.append("acme", line(6)).onSuccess(w -> completed.add("acme 6"))
            .onComplete(testContext.succeeding(w -> testContext.verify(() -> {
              assertThat(completed).containsExactly("acme 2", "acme 3", "acme 4", "acme 5", "globex 1", "acme 6");
              looked.flag();
            })));
        looked.flag();
      })));
      second.onComplete(testContext.succeeding(v -> testContext.verify(() -> {
        assertThat(linesOf("acme")).containsExactly(line(1), line(2), line(3), line(4), line(5), line(6));
        assertThat(linesOf("globex")).containsExactly(line(1));
        looked.flag();
      })));
    });
  }

  @Test
  void aBatchThatCannotBeWrittenFailsEveryAppendInIt(VertxTestContext testContext) throws IOException {
    Files.writeString(dir, "a file where the directory should be");
    onContext(testContext, () -> {
      Future<Void> first = journal.append("acme", line(1));
      Future<Void> second = journal.append("acme", line(2));
      Future<Void> other = journal.append("globex", line(1));
      Future.join(first, second, other).onComplete(done -> testContext.verify(() -> {
        assertThat(List.of(first, second, other)).allSatisfy(f -> assertThat(f.cause()).isInstanceOf(IOException.class));
        testContext.completeNow();
      }));
    });
  }

  // ---- rewrite, compaction, close ----

  /**
   * A rewrite's supplier runs when its turn comes: the batch before it is written and its appends
   * completed. Lines still waiting then (asked before or after the rewrite) follow the rewritten
   * records, in order.
   */
  @Test
  void aRewriteReplacesTheFileAndLinesStillWaitingFollowIt(VertxTestContext testContext) {
    onContext(testContext, () -> {
      Future<Void> a = journal.append("acme", line(1));
      Future<Void> b = journal.append("acme", line(2));
      List<String> seen = new ArrayList<>();
      Future<Void> rewrite = journal.rewrite("acme", () -> {
        seen.add("a " + (a.succeeded() ? "written" : "waiting"));
        seen.add("b " + (b.succeeded() ? "written" : "waiting"));
        return List.of(line(10), line(11));
      });
      Future<Void> c = journal.append("acme", line(3));
      Future.all(a, b, rewrite, c).compose(v -> replay(reopened(), "acme"))
          .onComplete(testContext.succeeding(records -> testContext.verify(() -> {
            assertThat(seen).containsExactly("a written", "b waiting");
            assertThat(records).containsExactly(line(10), line(11), line(2), line(3));
            assertThat(dir.resolve("acme" + JsonLinesJournal.SUFFIX + ".compacting")).doesNotExist();
            testContext.completeNow();
          })));
    });
  }

  /** Newest record of each key, in the order they were last written. */
  private static Collector<JsonObject, ?, List<String>> newestPerKey() {
    return Collector.<JsonObject, Map<String, JsonObject>, List<String>>of(LinkedHashMap::new, (newest, record) -> {
      newest.remove(record.getString("k"));
      newest.put(record.getString("k"), record);
    }, (x, y) -> x, newest -> newest.values().stream().map(JsonObject::encode).toList());
  }

  private static String kv(String key, int value) {
    return new JsonObject().put("k", key).put("v", value).encode();
  }

  /**
   * A compaction folds what the file held when its turn came and keeps the lines appended since;
   * it counts the records it dropped, and a corrupt line, no record, is dropped uncounted.
   */
  @Test
  void aCompactionKeepsWhatTheFoldKeepsAndEverythingAppendedMeanwhile(VertxTestContext testContext)
      throws IOException {
    write("acme", String.join("\n", kv("a", 1), kv("b", 1), kv("a", 2), "garbage", kv("c", 1), kv("b", 2), ""));
    replay(journal, "acme")
        .compose(replayed -> {
          Future<Integer> compaction = journal.compact("acme", READER, newestPerKey());
          Future<Void> during = Future.all(journal.append("acme", kv("d", 1)), journal.append("acme", kv("a", 3)))
              .mapEmpty();
          return Future.all(compaction, during).map(v -> compaction.result());
        })
        .compose(dropped -> {
          testContext.verify(() -> assertThat(dropped).isEqualTo(2));
          return journal.append("acme", kv("e", 1));
        })
        .onComplete(testContext.succeeding(v -> testContext.verify(() -> {
          assertThat(linesOf("acme")).containsExactly(kv("a", 2), kv("c", 1), kv("b", 2), kv("d", 1), kv("a", 3),
              kv("e", 1));
          assertThat(dir.resolve("acme" + JsonLinesJournal.SUFFIX + ".compacting")).doesNotExist();
          testContext.completeNow();
        })));
  }

  @Test
  void closingWritesWhatIsQueuedAndRefusesWhatComesAfter(VertxTestContext testContext) {
    onContext(testContext, () -> {
      List<Future<Void>> queued = IntStream.rangeClosed(1, 3).mapToObj(n -> journal.append("acme", line(n))).toList();
      Future<Void> closed = journal.close();
      Future<Void> lateAppend = journal.append("acme", line(4));
      Future<Void> lateRewrite = journal.rewrite("acme", List::of);
      Future<Integer> lateCompaction = journal.compact("acme", READER, newestPerKey());
      assertThat(List.of(lateAppend, lateRewrite, lateCompaction))
          .allSatisfy(f -> assertThat(f.cause()).hasMessage("journal closed"));
      closed.compose(v -> {
        assertThat(queued).as("written before the journal closed").allMatch(Future::succeeded);
        return replay(reopened(), "acme");
      }).onComplete(testContext.succeeding(records -> testContext.verify(() -> {
        assertThat(records).containsExactly(line(1), line(2), line(3));
        testContext.completeNow();
      })));
    });
  }
}
