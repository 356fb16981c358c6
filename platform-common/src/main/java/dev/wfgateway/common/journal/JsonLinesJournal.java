package dev.wfgateway.common.journal;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
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
  private static final String TEMP_SUFFIX = SUFFIX + ".compacting";
  private static final int CHUNK_BYTES = 1 << 20;

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
  private final Path dir;
  /** Open files by name; touched only inside the serialized blocking jobs. */
  private final Map<String, FileChannel> files = new HashMap<>();
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
    this.dir = dir;
  }

  /** The names that have a file, sorted. */
  public Future<List<String>> names() {
    return vertx.executeBlocking(() -> {
      Files.createDirectories(dir);
      List<String> names = new ArrayList<>();
      try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
        for (Path file : stream) {
          if (Files.isRegularFile(file)) {
            String name = file.getFileName().toString();
            names.add(name.substring(0, name.length() - SUFFIX.length()));
          }
        }
      }
      names.sort(null);
      return names;
    });
  }

  /**
   * Reads one file's records, oldest first, and folds them on the same worker thread; call before
   * anything is appended to it. A missing file holds no records. Replays run one at a time: in
   * parallel they were slower on a cold JVM, where the JIT compiler threads need the other cores.
   * A line that does not parse is skipped with a warning naming file and line; a torn last line
   * (a crash mid-write) is also cut off the file so the next append starts on a clean line.
   */
  public <R, T> Future<T> replay(String name, LineReader<R> reader, Collector<R, ?, T> fold) {
    return vertx.executeBlocking(() -> JournalFileScanner.replay(fileOf(name), reader, fold));
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
      for (FileChannel channel : files.values()) {
        channel.close();
      }
      files.clear();
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
    Path file = fileOf(compaction.name());
    vertx.executeBlocking(() -> {
      JournalFileScanner.Kept kept = compaction.fold().keep(file, end);
      return new PendingSwap(compaction.name(), writeTemp(compaction.name(), kept.lines()), end, kept.dropped(),
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
      replaceWith(rewrite.getKey(), writeTemp(rewrite.getKey(), rewrite.getValue()));
    }
    List<Future<Integer>> swapped = new ArrayList<>();
    for (PendingSwap swap : batch.swaps()) {
      swapped.add(swap(swap));
    }
    List<Long> ends = new ArrayList<>();
    for (PendingCompaction compaction : batch.compactions()) {
      Path file = fileOf(compaction.name());
      ends.add(Files.exists(file) ? Files.size(file) : 0L);
    }
    appendLines(batch.lines());
    return new BatchResult(ends, swapped);
  }

  /** A compaction that fails leaves the old file as it was, and the appends of its batch unharmed. */
  private Future<Integer> swap(PendingSwap swap) {
    try {
      copyTail(fileOf(swap.name()), swap.end(), swap.temp());
      replaceWith(swap.name(), swap.temp());
      return Future.succeededFuture(swap.dropped());
    } catch (IOException e) {
      try {
        Files.deleteIfExists(swap.temp());
      } catch (IOException ignored) {
        // the next compaction truncates it
      }
      return Future.failedFuture(e);
    }
  }

  private void appendLines(List<PendingLine> lines) throws IOException {
    Map<String, StringBuilder> byName = new LinkedHashMap<>();
    for (PendingLine line : lines) {
      byName.computeIfAbsent(line.name(), t -> new StringBuilder()).append(line.line());
    }
    boolean created = false;
    List<FileChannel> touched = new ArrayList<>();
    for (Map.Entry<String, StringBuilder> nameLines : byName.entrySet()) {
      FileChannel channel = files.get(nameLines.getKey());
      if (channel == null) {
        Path file = fileOf(nameLines.getKey());
        if (!Files.exists(file)) {
          Files.createDirectories(dir);
          created = true;
        }
        channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
            StandardOpenOption.APPEND);
        files.put(nameLines.getKey(), channel);
      }
      writeFully(channel, nameLines.getValue().toString());
      touched.add(channel);
    }
    for (FileChannel channel : touched) {
      channel.force(false);
    }
    if (created) {
      syncDirectory();
    }
  }

  /** Appends the file's bytes from {@code from} on to {@code temp} and fsyncs it. */
  private static void copyTail(Path file, long from, Path temp) throws IOException {
    try (FileChannel source = FileChannel.open(file, StandardOpenOption.READ);
         FileChannel target = FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
      ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
      long position = from;
      int read;
      while ((read = source.read(buffer, position)) > 0) {
        position += read;
        buffer.flip();
        while (buffer.hasRemaining()) {
          target.write(buffer);
        }
        buffer.clear();
      }
      target.force(false);
    }
  }

  /**
   * Writes the records to a fresh temp file, a chunk at a time, each chunk fsynced before the next
   * is written: one fsync of a whole large file would hold up the appends' fsyncs on the same disk
   * for as long as it takes.
   */
  private Path writeTemp(String name, List<String> records) throws IOException {
    Path temp = dir.resolve(name + TEMP_SUFFIX);
    try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      StringBuilder chunk = new StringBuilder();
      for (String record : records) {
        chunk.append(record).append('\n');
        if (chunk.length() >= CHUNK_BYTES) {
          writeFully(channel, chunk.toString());
          channel.force(false);
          chunk.setLength(0);
        }
      }
      writeFully(channel, chunk.toString());
      channel.force(false);
    }
    return temp;
  }

  private void replaceWith(String name, Path temp) throws IOException {
    FileChannel old = files.remove(name);
    if (old != null) {
      old.close();
    }
    Files.move(temp, fileOf(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    syncDirectory();
  }

  private static void writeFully(FileChannel channel, String text) throws IOException {
    ByteBuffer buffer = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
    while (buffer.hasRemaining()) {
      channel.write(buffer);
    }
  }

  private Path fileOf(String name) {
    return dir.resolve(name + SUFFIX);
  }

  /** Makes a created or renamed file's directory entry durable too. */
  private void syncDirectory() throws IOException {
    Files.createDirectories(dir);
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    }
  }
}
