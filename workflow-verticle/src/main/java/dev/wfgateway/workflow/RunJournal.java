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

/**
 * The local backend's run records on disk: every save of a run record is a line of
 * {@code runs.jsonl} ({@link JournaledRun}), and completes only once it is fsynced (group commit:
 * saves that arrive while an fsync is in flight share the next). At start the newest line of each
 * run wins and lines past their retention are dropped. The file is compacted from itself (newest
 * live line of each run, in the order last written) once it has grown to twice the lines the last
 * replay or compaction kept. Used on one event loop.
 */
final class RunJournal {
  private static final System.Logger LOG = System.getLogger(RunJournal.class.getName());
  static final String NAME = "runs";
  /** Below this many lines a file is never compacted: rewriting it would cost more than it saves. */
  static final int COMPACT_MIN_RECORDS = 1000;

  static final JsonLinesJournal.LineReader<JournaledRun> READER = line -> {
    try {
      return JournaledRun.fromJson(new JsonObject(line));
    } catch (RuntimeException e) {
      return null;
    }
  };

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

  /** The newest line of each run that has not expired, oldest write first; call once, before any append. */
  Future<List<JournaledRun>> replay() {
    long[] read = new long[1];
    return journal.replay(NAME, READER, lines -> {
      read[0] = lines.size();
      return newestLive(lines, clock.millis());
    }).onSuccess(live -> {
      records = read[0];
      keptAtLastCompaction = live.size();
      maybeCompact();
    });
  }

  /**
   * Appends the run's record, kept for {@code retention} from now; {@code request} is the request
   * that admitted it, given on the line that creates the run and null on later ones.
   */
  Future<Void> append(RunRecord run, SubmitRunRequest request, Duration retention) {
    JournaledRun line = new JournaledRun(run, clock.millis() + retention.toMillis(), request);
    return journal.append(NAME, line.toJson().encode()).onSuccess(v -> {
      records++;
      maybeCompact();
    });
  }

  Future<Void> close() {
    return journal.close();
  }

  /**
   * Newest wins: a run's later line replaces its earlier ones, keeping the request an earlier line
   * carried while the run has not finished (a finished run needs it no more).
   */
  static List<JournaledRun> newestLive(List<JournaledRun> lines, long nowMillis) {
    Map<String, JournaledRun> newest = new LinkedHashMap<>();
    for (JournaledRun line : lines) {
      JournaledRun earlier = newest.remove(line.key()); // removed and put again: ordered by last write
      newest.put(line.key(), line.request() == null && earlier != null ? line.withRequest(earlier.request()) : line);
    }
    return newest.values().stream()
        .filter(run -> run.expiresAtMillis() > nowMillis)
        .map(run -> run.run().status().isFinal() ? run.withRequest(null) : run)
        .toList();
  }

  private void maybeCompact() {
    if (compacting || records < COMPACT_MIN_RECORDS || records <= 2 * keptAtLastCompaction) {
      return;
    }
    compacting = true;
    journal.compact(NAME, READER, lines -> newestLive(lines, clock.millis()).stream()
            .map(run -> run.toJson().encode()).toList())
        .onComplete(dropped -> {
          compacting = false;
          if (dropped.succeeded()) {
            records -= dropped.result();
          } else {
            LOG.log(Level.WARNING, "run journal: compaction failed, the file stays as it is: {0}",
                dropped.cause().toString());
          }
          keptAtLastCompaction = records; // after a failure too: the next try waits for the file to double again
        });
  }
}
