package dev.wfgateway.common.journal;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Collector;

/**
 * Append-only JSON-lines files in one directory, {@code <dir>/<name>.jsonl}, one record a line.
 *
 * <p>Appends are group-committed: while one batch is being written and fsynced on a worker thread,
 * new appends queue up and go out together in the next batch, so many concurrent appends cost one
 * fsync. A future returned by {@link #append} completes only after its line is on disk. Batches,
 * rewrites, the two short steps of a compaction and closing all run one at a time, in the order
 * asked, so the files are only ever written by one thread at a time. Used on one event loop.
 *
 * <p>A file is rewritten to its live records in one of two ways: {@link #rewrite} from the records
 * the caller holds in memory, or {@link #compact} from the file itself, read and folded on a worker
 * while appends go on, for records too many to keep in memory twice.
 */
public final class JsonLinesJournal {
  public static final String SUFFIX = ".jsonl";

  /** Turns one line into a record of the caller's format; null when the line is not one. */
  public interface LineReader<R> {
    /** Every character of the line checked: this reads a last line that a crash may have cut short too. */
    R read(String line);

    /**
     * The record on {@code text[from, to)}, a line the journal wrote in full. A format can override
     * this to recognise its own layout faster than by parsing.
     */
    default R read(String text, int from, int to) {
      return read(text.substring(from, to));
    }
  }

  private record PendingLine(String name, String line, Promise<Void> written) {
  }

  private record PendingRewrite(String name, Supplier<List<String>> liveRecords, Promise<Void> done) {
  }

  /** Reads a file's first {@code end} bytes (whole lines) and picks the records to keep; runs on a worker thread. */
  private interface Fold {
    JournalFileScanner.Kept keep(Path file, long end) throws IOException;
  }

  /** A compaction waiting for its turn to note where the file ends: what lies before is what it folds. */
  private record PendingCompaction(String name, Fold fold, Promise<Integer> done) {
  }

  /** A folded compaction waiting for its turn to copy what was appended since {@code end} and swap the files. */
  private record PendingSwap(String name, Path temp, long end, int dropped, Promise<Integer> done) {
  }

  private record Batch(List<PendingRewrite> rewrites, Map<String, List<String>> rewriteRecords,
      List<PendingSwap> swaps, List<PendingCompaction> compactions, List<PendingLine> lines) {
  }

  /** What a batch found: where each compaction's file ended, and how each swap went. */
  private record BatchResult(List<Long> compactionEnds, List<Future<Integer>> swaps) {
  }

  private final Vertx vertx;
  private final JournalFiles files;
  private List<PendingLine> pendingLines = new ArrayList<>();
  private List<PendingRewrite> pendingRewrites = new ArrayList<>();
  private List<PendingSwap> pendingSwaps = new ArrayList<>();
  private List<PendingCompaction> pendingCompactions = new ArrayList<>();
  private final List<Promise<Void>> idleWaiters = new ArrayList<>();
  private int folding;
  private boolean writing;
  private boolean closed;

  public JsonLinesJournal(Vertx vertx, Path dir) {
    this.vertx = vertx;
    this.files = new JournalFiles(dir);
  }

  /** The names that have a file, sorted. */
  public Future<List<String>> names() {
    return vertx.executeBlocking(files::names);
  }

  /**
   * Reads one file's records, oldest first, and folds them on the same worker thread; call before
   * anything is appended to it. A missing file holds no records. Replays run one at a time: in
   * parallel they were slower on a cold JVM, where the JIT compiler threads need the other cores.
   * A line that does not parse is skipped with a warning naming file and line; a torn last line
   * (a crash mid-write) is also cut off the file so the next append starts on a clean line.
   */
  public <R, T> Future<T> replay(String name, LineReader<R> reader, Collector<R, ?, T> fold) {
    return vertx.executeBlocking(() -> JournalFileScanner.replay(files.fileOf(name), reader, fold));
  }

  /** Appends one record (a JSON object on one line) to the named file; completes once it is fsynced. */
  public Future<Void> append(String name, String record) {
    if (closed) {
      return Future.failedFuture(new IllegalStateException("journal closed"));
    }
    Promise<Void> written = Promise.promise();
    pendingLines.add(new PendingLine(name, record + "\n", written));
    writeNext();
    return written.future();
  }

  /**
   * Replaces the named file by the records {@code liveRecords} supplies (temp file, fsync, atomic
   * rename). The supplier is called on the event loop when the rewrite's turn comes: the batch that
   * was being written is on disk and its appends have completed, so it sees the state a caller
   * updates on completion. Lines still waiting then, whether asked before the rewrite or after, go
   * to the new file after the supplied records, in order.
   */
  public Future<Void> rewrite(String name, Supplier<List<String>> liveRecords) {
    if (closed) {
      return Future.failedFuture(new IllegalStateException("journal closed"));
    }
    Promise<Void> done = Promise.promise();
    pendingRewrites.add(new PendingRewrite(name, liveRecords, done));
    writeNext();
    return done.future();
  }

  /**
   * Replaces the named file by the records {@code live} keeps of those it holds, without holding up
   * appends: when its turn comes the compaction notes where the file ends; a worker then folds the
   * records up to there, oldest first, with {@code live} and writes the lines it returns to a temp
   * file (fsynced) while appends go on; in turn again, the lines appended meanwhile are copied after them
   * and the temp file replaces the old one (atomic rename). Call after the file was replayed, one
   * compaction of a file at a time. Completes with the number of records it dropped.
   */
  public <R> Future<Integer> compact(String name, LineReader<R> reader, Collector<R, ?, List<String>> live) {
    if (closed) {
      return Future.failedFuture(new IllegalStateException("journal closed"));
    }
    Promise<Integer> done = Promise.promise();
    pendingCompactions.add(new PendingCompaction(name, (file, end) -> JournalFileScanner.keep(file, end, reader, live), done));
    writeNext();
    return done.future();
  }

  /** Writes what is queued and finishes compactions under way, then closes the files. */
  public Future<Void> close() {
    closed = true;
    Promise<Void> idle = Promise.promise();
    idleWaiters.add(idle);
    writeNext();
    return idle.future().compose(v -> vertx.executeBlocking(() -> {
      files.closeAll();
      return null;
    }));
  }

  private void writeNext() {
    if (writing) {
      return;
    }
    if (pendingLines.isEmpty() && pendingRewrites.isEmpty() && pendingSwaps.isEmpty()
        && pendingCompactions.isEmpty()) {
      if (folding == 0) {
        idleWaiters.forEach(Promise::complete);
        idleWaiters.clear();
      }
      return;
    }
    writing = true;
    Map<String, List<String>> rewriteRecords = new LinkedHashMap<>();
    for (PendingRewrite rewrite : pendingRewrites) {
      rewriteRecords.put(rewrite.name(), rewrite.liveRecords().get());
    }
    Batch batch = new Batch(pendingRewrites, rewriteRecords, pendingSwaps, pendingCompactions, pendingLines);
    pendingLines = new ArrayList<>();
    pendingRewrites = new ArrayList<>();
    pendingSwaps = new ArrayList<>();
    pendingCompactions = new ArrayList<>();
    Future<BatchResult> written = vertx.executeBlocking(() -> write(batch));
    written.onComplete(result -> {
      batch.rewrites().forEach(r -> r.done().handle(result.mapEmpty()));
      batch.lines().forEach(l -> l.written().handle(result.mapEmpty()));
      for (int i = 0; i < batch.swaps().size(); i++) {
        int index = i;
        written.compose(r -> r.swaps().get(index)).onComplete(batch.swaps().get(i).done());
      }
      for (int i = 0; i < batch.compactions().size(); i++) {
        PendingCompaction compaction = batch.compactions().get(i);
        if (result.succeeded()) {
          fold(compaction, result.result().compactionEnds().get(i));
        } else {
          compaction.done().fail(result.cause());
        }
      }
      // Still "writing" until a fresh event-loop turn: whatever reacts to the completions above (say, an
      // index update) has run by then, so a rewrite's supplier that runs next sees it.
      vertx.runOnContext(v -> {
        writing = false;
        writeNext();
      });
    });
  }

  /** The long step of a compaction, off the serialized jobs: appends go on meanwhile. */
  private void fold(PendingCompaction compaction, long end) {
    folding++;
    Path file = files.fileOf(compaction.name());
    vertx.executeBlocking(() -> {
      JournalFileScanner.Kept kept = compaction.fold().keep(file, end);
      return new PendingSwap(compaction.name(), files.writeTemp(compaction.name(), kept.lines()), end, kept.dropped(),
          compaction.done());
    }, false).onComplete(folded -> {
      folding--;
      if (folded.succeeded()) {
        pendingSwaps.add(folded.result());
      } else {
        compaction.done().fail(folded.cause());
      }
      writeNext();
    });
  }

  private BatchResult write(Batch batch) throws IOException {
    for (Map.Entry<String, List<String>> rewrite : batch.rewriteRecords().entrySet()) {
      files.replaceWith(rewrite.getKey(), files.writeTemp(rewrite.getKey(), rewrite.getValue()));
    }
    List<Future<Integer>> swapped = new ArrayList<>();
    for (PendingSwap swap : batch.swaps()) {
      swapped.add(swap(swap));
    }
    List<Long> ends = new ArrayList<>();
    for (PendingCompaction compaction : batch.compactions()) {
      ends.add(files.size(compaction.name()));
    }
    Map<String, StringBuilder> linesByName = new LinkedHashMap<>();
    for (PendingLine line : batch.lines()) {
      linesByName.computeIfAbsent(line.name(), name -> new StringBuilder()).append(line.line());
    }
    files.append(linesByName);
    return new BatchResult(ends, swapped);
  }

  /** A compaction that fails leaves the old file as it was, and the appends of its batch unharmed. */
  private Future<Integer> swap(PendingSwap swap) {
    try {
      files.replaceWithTail(swap.name(), swap.temp(), swap.end());
      return Future.succeededFuture(swap.dropped());
    } catch (IOException e) {
      return Future.failedFuture(e);
    }
  }
}
