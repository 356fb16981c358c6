package dev.wfgateway.workflow;

import dev.wfgateway.common.journal.JsonLinesJournal;
import dev.wfgateway.common.messages.RunRecord;
import dev.wfgateway.common.messages.SubmitRunRequest;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collector;

/**
 * The local backend's run records on disk: every save of a run record is a line of
 * {@code runs.jsonl} ({@link JournaledRun}), and completes only once it is fsynced (group commit:
 * saves that arrive while an fsync is in flight share the next). At start the newest line of each
 * run wins and lines past their retention are dropped. The file is compacted from itself (the
 * newest live line of each run, in the order last written) once it has grown to twice the lines
 * the last replay or compaction kept. Used on one event loop.
 */
final class RunJournal {
  private static final System.Logger LOG = System.getLogger(RunJournal.class.getName());
  static final String NAME = "runs";
  /** Below this many lines a file is never compacted: rewriting it would cost more than it saves. */
  static final int COMPACT_MIN_RECORDS = 1000;

  private final JsonLinesJournal journal;
  private final Clock clock;
  /** Lines in the file that parsed, as far as this process knows. */
  private long records;
  private long keptAtLastCompaction;
  private boolean compacting;

  RunJournal(JsonLinesJournal journal, Clock clock) {
    this.journal = journal;
    this.clock = clock;
  }

  /**
   * The newest line of each run that has not expired, oldest write first, each checked to hold a
   * readable record (one that does not is left out with a warning); call once, before any append.
   */
  Future<List<RunLine>> replay() {
    long now = clock.millis();
    return journal.replay(NAME, RunLine.READER, Collector.of(() -> new NewestLines(now), NewestLines::add,
            (a, b) -> a, newest -> new Replayed(newest.read, readable(newest.live()))))
        .map(replayed -> {
          records = replayed.read();
          keptAtLastCompaction = replayed.live().size();
          maybeCompact();
          return replayed.live();
        });
  }

  private record Replayed(long read, List<RunLine> live) {
  }

  private static List<RunLine> readable(List<RunLine> lines) {
    return lines.stream().filter(line -> {
      try {
        RunRecord.fromJson(new JsonObject(line.runJson()));
        return true;
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "run journal: skipping the unreadable newest record of run {0}: {1}", line.key(),
            line.text());
        return false;
      }
    }).toList();
  }

  /**
   * Appends a run's record ({@code runJson}, its JSON text as the store keeps it), kept for
   * {@code retention} from now; {@code request} is the request that admitted the run, given on the
   * line that creates it and null on later ones.
   */
  Future<Void> append(String runJson, SubmitRunRequest request, Duration retention) {
    return journal.append(NAME, JournaledRun.line(clock.millis() + retention.toMillis(), request, runJson))
        .onSuccess(v -> {
          records++;
          maybeCompact();
        });
  }

  Future<Void> close() {
    return journal.close();
  }

  /**
   * Newest wins: a run's later line replaces its earlier ones. While the run has not finished, the
   * line that carried its admitting request is remembered, and the kept line gets the request if
   * it lacks it (a finished run needs it no more).
   */
  private static final class NewestLines {
    private record Newest(RunLine line, RunLine admitting) {
    }

    private final long nowMillis;
    private final Map<String, Newest> byRun = new LinkedHashMap<>();
    private long read;

    NewestLines(long nowMillis) {
      this.nowMillis = nowMillis;
    }

    void add(RunLine line) {
      read++;
      Newest earlier = byRun.remove(line.key()); // removed and put again: ordered by last write
      RunLine admitting = line.carriesRequest() ? line : earlier == null ? null : earlier.admitting();
      byRun.put(line.key(), new Newest(line, line.status().isFinal() ? null : admitting));
    }

    List<RunLine> live() {
      return byRun.values().stream().filter(n -> n.line().expiresAtMillis() > nowMillis)
          .map(NewestLines::withRequest).toList();
    }

    private static RunLine withRequest(Newest newest) {
      RunLine line = newest.line();
      if (line.carriesRequest() || newest.admitting() == null) {
        return line;
      }
      try {
        return RunLine.of(line.decode().withRequest(newest.admitting().decode().request()));
      } catch (RuntimeException e) {
        return line; // a damaged line shows up, and is left out, when it is replayed
      }
    }
  }

  private void maybeCompact() {
    if (compacting || records < COMPACT_MIN_RECORDS || records <= 2 * keptAtLastCompaction) {
      return;
    }
    compacting = true;
    long now = clock.millis();
    journal.compact(NAME, RunLine.READER, Collector.of(() -> new NewestLines(now), NewestLines::add, (a, b) -> a,
            newest -> newest.live().stream().map(RunLine::text).toList()))
        .onComplete(dropped -> {
          compacting = false;
          if (dropped.succeeded()) {
            records -= dropped.result();
            LOG.log(Level.INFO, "run journal compacted: {0} records dropped, {1} kept", dropped.result(), records);
          } else {
            LOG.log(Level.WARNING, "run journal: compaction failed, the file stays as it is: {0}",
                dropped.cause().toString());
          }
          keptAtLastCompaction = records; // after a failure too: the next try waits for the file to double again
        });
  }
}
