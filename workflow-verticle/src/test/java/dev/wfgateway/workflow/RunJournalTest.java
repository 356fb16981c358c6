package dev.wfgateway.workflow;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wfgateway.common.journal.JsonLinesJournal;
import dev.wfgateway.common.messages.FailureInfo;
import dev.wfgateway.common.messages.RunRecord;
import dev.wfgateway.common.messages.RunSource;
import dev.wfgateway.common.messages.RunStatus;
import dev.wfgateway.common.messages.SubmitRunRequest;
import dev.wfgateway.testkit.Eventually;
import dev.wfgateway.testkit.TestVertx;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The run journal on a real file: durability order, newest wins, retention, damaged lines, compaction. */
@ExtendWith(VertxExtension.class)
class RunJournalTest {
  private static final Duration HOUR = Duration.ofHours(1);
  private static final Logger JOURNAL_LOG = Logger.getLogger(JsonLinesJournal.class.getName());

  @TempDir
  Path dir;
  private Vertx vertx;
  private Context loop;
  private final ManualTime clock = new ManualTime();
  private final List<String> warnings = new CopyOnWriteArrayList<>();
  private final Handler warningRecorder = new Handler() {
    @Override
    public void publish(LogRecord record) {
      warnings.add(new SimpleFormatter().formatMessage(record));
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
    }
  };

  @BeforeEach
  void setUp() {
    vertx = TestVertx.create();
    loop = vertx.getOrCreateContext();
    JOURNAL_LOG.addHandler(warningRecorder);
  }

  @AfterEach
  void tearDown() throws Exception {
    JOURNAL_LOG.removeHandler(warningRecorder);
    TestVertx.close(vertx);
  }

  /** The journal is used on one event loop, as the workflow verticle uses it. */
  private <T> Future<T> onLoop(Callable<Future<T>> action) {
    return WorkflowFixture.onContext(loop, action);
  }

  private Future<RunJournal> openJournal() {
    RunJournal journal = new RunJournal(new JsonLinesJournal(vertx, dir), clock);
    return onLoop(journal::replay).map(journal);
  }

  private Future<List<RunLine>> replayAfterRestart(RunJournal running) {
    return onLoop(running::close).compose(v -> replayNew());
  }

  /** What a journal opened now replays, the files as they are. */
  private Future<List<RunLine>> replayNew() {
    return onLoop(new RunJournal(new JsonLinesJournal(vertx, dir), clock)::replay);
  }

  private static RunRecord queued(String runId) {
    return RunRecord.queued(runId, "acme", "echo", null, new JsonObject().put("n", runId), "2026-01-01T00:00:00Z");
  }

  private static SubmitRunRequest request(String runId) {
    return new SubmitRunRequest("acme", "echo", new JsonObject().put("n", runId), null, false, "req-" + runId,
        RunSource.HTTP, 2);
  }

  private static String json(RunRecord run) {
    return run.toJson().encode();
  }

  private static RunRecord succeeded(String runId) {
    return queued(runId).started("2026-01-01T00:00:01Z", 1, null).succeeded(new JsonObject(), "2026-01-01T00:00:02Z");
  }

  private static String runId(RunLine line) {
    return line.decode().run().runId();
  }

  private Path file() {
    return dir.resolve(RunJournal.NAME + JsonLinesJournal.SUFFIX);
  }

  /** The journal file's lines, read off the event loop. */
  private Future<List<String>> fileLines() {
    return vertx.executeBlocking(() -> Files.readAllLines(file()));
  }

  @Test
  void appendsThatArriveWhileAnFsyncIsInFlightGoOutTogetherInTheNextBatchInOrder(VertxTestContext test) {
    List<Integer> completed = new CopyOnWriteArrayList<>();
    Promise<Boolean> restWrittenWithTheSecond = Promise.promise();
    openJournal().compose(journal -> onLoop(() -> {
      List<Future<Void>> appends = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        int index = i;
        appends.add(journal.append(json(queued("r" + i)), request("r" + i), HOUR).onSuccess(v -> completed.add(index)));
      }
      // The first went out alone, at once; the other 99 were queued behind its fsync and share one batch,
      // so all of them have completed before anything scheduled when the first of them completes.
      appends.get(1).onSuccess(v -> loop.runOnContext(x -> restWrittenWithTheSecond.complete(
          appends.stream().skip(1).allMatch(Future::succeeded))));
      return Future.all(appends);
    }))
        .compose(all -> {
          assertThat(completed).isEqualTo(IntStream.range(0, 100).boxed().toList());
          return restWrittenWithTheSecond.future();
        })
        .compose(rest -> {
          assertThat(rest).as("the other 99 completed together").isTrue();
          return fileLines();
        })
        .onComplete(test.succeeding(lines -> test.verify(() -> {
          assertThat(lines).hasSize(100).extracting(line -> RunLine.READER.read(line).decode().run().runId())
              .isEqualTo(IntStream.range(0, 100).mapToObj(i -> "r" + i).toList());
          test.completeNow();
        })));
  }

  @Test
  void replayKeepsTheNewestRecordOfEachRunWithTheRequestThatCreatedIt(VertxTestContext test) {
    openJournal().compose(journal -> onLoop(() -> journal.append(json(queued("a")), request("a"), HOUR)
            .compose(v -> journal.append(json(queued("b")), request("b"), HOUR))
            .compose(v -> journal.append(json(queued("a").started("2026-01-01T00:00:01Z", 1, null)), null, HOUR))
            .compose(v -> journal.append(json(succeeded("b")), null, HOUR)))
            .compose(v -> replayAfterRestart(journal)))
        .onComplete(test.succeeding(lines -> test.verify(() -> {
          List<JournaledRun> live = lines.stream().map(RunLine::decode).toList();
          assertThat(live).extracting(run -> run.run().runId()).containsExactly("a", "b");
          assertThat(live.get(0).run().status()).isEqualTo(RunStatus.RUNNING);
          assertThat(live.get(0).request()).isEqualTo(request("a"));
          assertThat(live.get(0).restartRequest().async()).isTrue();
          assertThat(live.get(0).restartRequest().requestId()).isEqualTo("req-a");
          assertThat(live.get(0).restartRequest().redriveCount()).isEqualTo(2);
          assertThat(live.get(1).run()).isEqualTo(succeeded("b"));
          assertThat(live.get(1).request()).as("a finished run needs no request").isNull();
          test.completeNow();
        })));
  }

  @Test
  void dropsRecordsPastTheirRetentionCountedFromTheirLastSave(VertxTestContext test) {
    openJournal().compose(journal -> onLoop(() -> journal.append(json(queued("short")), request("short"),
                Duration.ofMinutes(1))
            .compose(v -> journal.append(json(queued("long")), request("long"), Duration.ofMinutes(10)))
            .compose(v -> journal.append(json(queued("renewed")), request("renewed"), Duration.ofMinutes(1)))
            .compose(v -> {
              clock.advance(Duration.ofSeconds(50));
              return journal.append(json(succeeded("renewed")), null, Duration.ofMinutes(1));
            }))
            .compose(v -> {
              clock.advance(Duration.ofSeconds(20));
              return replayAfterRestart(journal);
            }))
        .compose(afterSeventySeconds -> {
          assertThat(afterSeventySeconds).extracting(RunJournalTest::runId).containsExactly("long", "renewed");
          clock.advance(Duration.ofMinutes(1));
          return replayNew();
        })
        .onComplete(test.succeeding(later -> test.verify(() -> {
          assertThat(later).extracting(RunJournalTest::runId).containsExactly("long");
          test.completeNow();
        })));
  }

  @Test
  void skipsACorruptMiddleLineAndATornLastLineWithAWarningAndStartsAfterThem(VertxTestContext test) {
    String second = JournaledRun.line(clock.millis() + HOUR.toMillis(), request("b"), json(queued("b")));
    openJournal().compose(journal -> onLoop(() -> journal.append(json(queued("a")), request("a"), HOUR)
            .compose(v -> journal.close())))
        .compose(v -> vertx.executeBlocking(() -> Files.writeString(file(),
            "{\"expiresAt\":1,\"run\":garbage}\n" + second + "\n" + second.substring(0, 40), StandardCharsets.UTF_8,
            StandardOpenOption.APPEND)))
        .compose(written -> openJournal())
        .compose(restarted -> onLoop(() -> restarted.append(json(queued("c")), request("c"), HOUR))
            .compose(v -> replayAfterRestart(restarted)))
        .compose(live -> {
          assertThat(live).extracting(RunJournalTest::runId).containsExactly("a", "b", "c");
          assertThat(warnings).anySatisfy(w -> assertThat(w).contains(file().toString()).contains("corrupt line 2"))
              .anySatisfy(w -> assertThat(w).contains(file().toString()).contains("torn last line 4"));
          return fileLines();
        })
        .onComplete(test.succeeding(lines -> test.verify(() -> {
          assertThat(lines).hasSize(4).last().satisfies(line -> assertThat(line).contains("\"c\""));
          test.completeNow();
        })));
  }

  @Test
  void compactsTheFileToTheNewestLiveRecordsWhileAppendsGoOn(VertxTestContext test) {
    List<Future<Void>> during = new CopyOnWriteArrayList<>();
    RunJournal[] open = new RunJournal[1];
    openJournal().compose(journal -> {
      open[0] = journal;
      return onLoop(() -> {
        List<Future<Void>> expiring = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
          expiring.add(journal.append(json(queued("gone" + i)), request("gone" + i), Duration.ofSeconds(1)));
        }
        return Future.all(expiring);
      });
    }).compose(expired -> {
      clock.advance(Duration.ofSeconds(2));
      return onLoop(() -> {
        RunJournal journal = open[0];
        List<Future<Void>> appends = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
          String runId = "kept" + i;
          appends.add(journal.append(json(queued(runId)), request(runId), HOUR));
          appends.add(journal.append(json(queued(runId).started("2026-01-01T00:00:01Z", 1, null)), null, HOUR));
          appends.add(journal.append(json(succeeded(runId)), null, HOUR));
        }
        // The 1000th line starts a compaction; these go in while it runs.
        appends.get(appends.size() - 1).onSuccess(v -> {
          for (int i = 0; i < 50; i++) {
            during.add(journal.append(json(queued("during" + i)), request("during" + i), HOUR));
          }
        });
        return Future.all(appends);
      });
    })
        .compose(appended -> onLoop(() -> Future.all(List.copyOf(during))))
        .compose(appendedDuring -> {
          assertThat(during).as("the appends made during compaction").hasSize(50);
          return Eventually.answers(vertx, "the compacted file", Duration.ofSeconds(10),
              () -> fileLines().map(lines -> lines.size() == 350));
        })
        .compose(compacted -> replayAfterRestart(open[0]))
        .onComplete(test.succeeding(lines -> test.verify(() -> {
          List<JournaledRun> live = lines.stream().map(RunLine::decode).toList();
          assertThat(live).hasSize(350);
          assertThat(live.subList(0, 300)).allSatisfy(run -> assertThat(run.run().status()).isEqualTo(RunStatus.SUCCEEDED));
          assertThat(live.subList(300, 350)).allSatisfy(run -> {
            assertThat(run.run().status()).isEqualTo(RunStatus.QUEUED);
            assertThat(run.request()).isNotNull();
          });
          assertThat(dir.resolve(RunJournal.NAME + JsonLinesJournal.SUFFIX + ".compacting")).doesNotExist();
          test.completeNow();
        })));
  }

  @Test
  void readsALineByItsLayoutAndAnyOtherLineInFull() {
    RunRecord failed = queued("x").ended(RunStatus.FAILED, new FailureInfo("t", "m", null), null, "2026-01-01T00:00:02Z");
    String asWritten = JournaledRun.line(5, request("x"), json(failed));
    RunLine read = RunLine.READER.read(asWritten, 0, asWritten.length());
    assertThat(read).isEqualTo(RunLine.READER.read(asWritten));
    assertThat(read.key()).isEqualTo("acme:x");
    assertThat(read.status()).isEqualTo(RunStatus.FAILED);
    assertThat(read.expiresAtMillis()).isEqualTo(5);
    assertThat(read.carriesRequest()).isTrue();
    assertThat(read.runJson()).isEqualTo(json(failed));
    assertThat(read.decode()).isEqualTo(new JournaledRun(failed, 5, request("x")));

    String otherOrder = new JsonObject().put("run", failed.toJson()).put("expiresAt", 5).encode();
    assertThat(RunLine.READER.read(otherOrder, 0, otherOrder.length()).runJson()).isEqualTo(json(failed));
    String escaped = JournaledRun.line(5, null, json(RunRecord.queued("x", "ac\"me", "echo", null, new JsonObject(), "t")));
    assertThat(RunLine.READER.read(escaped, 0, escaped.length()).key()).isEqualTo("ac\"me:x");

    assertThat(RunLine.READER.read("{\"expiresAt\":1,\"run\":{\"runId\":\"x\"}}")).isNull();
    assertThat(RunLine.READER.read("[1]")).isNull();
    assertThat(RunLine.READER.read(asWritten.substring(0, asWritten.length() - 1))).isNull();
  }
}
