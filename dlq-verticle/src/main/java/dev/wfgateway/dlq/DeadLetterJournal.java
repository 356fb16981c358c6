package dev.wfgateway.dlq;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.lang.System.Logger.Level;
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
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Append-only JSON-lines files, one per tenant ({@code <dir>/<tenant>.jsonl}), one record a line.
 *
 * <p>Appends are group-committed: while one batch is being written and fsynced on a worker thread,
 * new appends queue up and go out together in the next batch, so many concurrent adds cost one
 * fsync. A future returned by {@link #append} completes only after its line is on disk. Batches,
 * rewrites (compaction) and closing all run one at a time, in the order asked, so the files are
 * only ever touched by one thread at a time.
 */
final class DeadLetterJournal {
  private static final System.Logger LOG = System.getLogger(DeadLetterJournal.class.getName());
  static final String SUFFIX = ".jsonl";

  private record PendingLine(String tenant, String line, Promise<Void> written) {
  }

  private record PendingRewrite(String tenant, Supplier<List<String>> liveRecords, Promise<Void> done) {
  }

  private record Batch(List<PendingRewrite> rewrites, Map<String, List<String>> rewriteRecords,
      List<PendingLine> lines) {
  }

  private final Vertx vertx;
  private final Path dir;
  /** Open files by tenant; touched only inside the serialized blocking jobs. */
  private final Map<String, FileChannel> files = new HashMap<>();
  private List<PendingLine> pendingLines = new ArrayList<>();
  private List<PendingRewrite> pendingRewrites = new ArrayList<>();
  private final List<Promise<Void>> idleWaiters = new ArrayList<>();
  private boolean writing;
  private boolean closed;

  DeadLetterJournal(Vertx vertx, Path dir) {
    this.vertx = vertx;
    this.dir = dir;
  }

  Path dir() {
    return dir;
  }

  /** The tenants that have a journal file, sorted. */
  Future<List<String>> tenants() {
    return vertx.executeBlocking(() -> {
      Files.createDirectories(dir);
      List<String> tenants = new ArrayList<>();
      try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
        for (Path file : stream) {
          if (Files.isRegularFile(file)) {
            String name = file.getFileName().toString();
            tenants.add(name.substring(0, name.length() - SUFFIX.length()));
          }
        }
      }
      tenants.sort(null);
      return tenants;
    });
  }

  /**
   * Reads one tenant's records, oldest first, and folds them on the same worker thread; call
   * before anything is appended. Replays run one at a time: in parallel they were slower on a cold
   * JVM, where the JIT compiler threads need the other cores. A line that does not
   * parse is skipped with a warning naming file and line; a torn last line (a crash mid-write) is
   * also cut off the file so the next append starts on a clean line.
   */
  <T> Future<T> replay(String tenant, Function<List<JournalRecord>, T> fold) {
    return vertx.executeBlocking(() -> fold.apply(readRecords(fileOf(tenant))));
  }

  private static List<JournalRecord> readRecords(Path file) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    String text = new String(bytes, StandardCharsets.UTF_8);
    List<JournalRecord> records = new ArrayList<>();
    int start = 0;
    int lineNumber = 0;
    while (start < text.length()) {
      lineNumber++;
      int newline = text.indexOf('\n', start);
      if (newline < 0) {
        readLastLine(file, bytes, text.substring(start), lineNumber, records);
        break;
      }
      JournalRecord record = JournalRecord.read(text, start, newline);
      if (record != null) {
        records.add(record);
      } else if (!text.substring(start, newline).isBlank()) {
        LOG.log(Level.WARNING, "DLQ journal {0}: skipping corrupt line {1}", file, lineNumber);
      }
      start = newline + 1;
    }
    return records;
  }

  /**
   * A last line without its newline may be cut short by a crash, so every character of it is
   * checked: whole, it gets its newline; torn, it is cut off the file.
   */
  private static void readLastLine(Path file, byte[] bytes, String line, int lineNumber, List<JournalRecord> records)
      throws IOException {
    JournalRecord record = JournalRecord.readFully(line);
    if (record != null) {
      records.add(record);
      appendBytes(file, "\n");
      return;
    }
    LOG.log(Level.WARNING, "DLQ journal {0}: skipping torn last line {1} (a write interrupted by a crash)",
        file, lineNumber);
    int lineStart = bytes.length;
    while (lineStart > 0 && bytes[lineStart - 1] != '\n') {
      lineStart--;
    }
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
      channel.truncate(lineStart);
      channel.force(true);
    }
  }

  private static void appendBytes(Path file, String text) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
      channel.write(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
      channel.force(false);
    }
  }

  /** Appends one record (a JSON object on one line) to the tenant's file; completes once it is fsynced. */
  Future<Void> append(String tenant, String record) {
    if (closed) {
      return Future.failedFuture(new IllegalStateException("journal closed"));
    }
    Promise<Void> written = Promise.promise();
    pendingLines.add(new PendingLine(tenant, record + "\n", written));
    writeNext();
    return written.future();
  }

  /**
   * Replaces the tenant's file by the records {@code liveRecords} supplies (temp file, fsync,
   * atomic rename). The supplier is called on the event loop when the rewrite's turn comes, after
   * every earlier append is on disk, so it sees exactly the state the old file held; appends made
   * after that go to the new file.
   */
  Future<Void> rewrite(String tenant, Supplier<List<String>> liveRecords) {
    if (closed) {
      return Future.failedFuture(new IllegalStateException("journal closed"));
    }
    Promise<Void> done = Promise.promise();
    pendingRewrites.add(new PendingRewrite(tenant, liveRecords, done));
    writeNext();
    return done.future();
  }

  /** Writes what is queued, then closes the files. */
  Future<Void> close() {
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
    if (pendingLines.isEmpty() && pendingRewrites.isEmpty()) {
      idleWaiters.forEach(Promise::complete);
      idleWaiters.clear();
      return;
    }
    writing = true;
    Map<String, List<String>> rewriteRecords = new LinkedHashMap<>();
    for (PendingRewrite rewrite : pendingRewrites) {
      rewriteRecords.put(rewrite.tenant(), rewrite.liveRecords().get());
    }
    Batch batch = new Batch(pendingRewrites, rewriteRecords, pendingLines);
    pendingLines = new ArrayList<>();
    pendingRewrites = new ArrayList<>();
    vertx.executeBlocking(() -> write(batch)).onComplete(result -> {
      batch.rewrites().forEach(r -> r.done().handle(result.mapEmpty()));
      batch.lines().forEach(l -> l.written().handle(result.mapEmpty()));
      // Still "writing" until a fresh event-loop turn: whatever reacts to the completions above (say, an
      // index update) has run by then, so a rewrite's supplier that runs next sees it.
      vertx.runOnContext(v -> {
        writing = false;
        writeNext();
      });
    });
  }

  private Void write(Batch batch) throws IOException {
    for (Map.Entry<String, List<String>> rewrite : batch.rewriteRecords().entrySet()) {
      replaceFile(rewrite.getKey(), rewrite.getValue());
    }
    Map<String, StringBuilder> byTenant = new LinkedHashMap<>();
    for (PendingLine line : batch.lines()) {
      byTenant.computeIfAbsent(line.tenant(), t -> new StringBuilder()).append(line.line());
    }
    boolean created = false;
    List<FileChannel> touched = new ArrayList<>();
    for (Map.Entry<String, StringBuilder> tenantLines : byTenant.entrySet()) {
      FileChannel channel = files.get(tenantLines.getKey());
      if (channel == null) {
        Path file = fileOf(tenantLines.getKey());
        created |= !Files.exists(file);
        channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
            StandardOpenOption.APPEND);
        files.put(tenantLines.getKey(), channel);
      }
      ByteBuffer buffer = ByteBuffer.wrap(tenantLines.getValue().toString().getBytes(StandardCharsets.UTF_8));
      while (buffer.hasRemaining()) {
        channel.write(buffer);
      }
      touched.add(channel);
    }
    for (FileChannel channel : touched) {
      channel.force(false);
    }
    if (created) {
      syncDirectory();
    }
    return null;
  }

  private void replaceFile(String tenant, List<String> records) throws IOException {
    Path file = fileOf(tenant);
    Path temp = dir.resolve(tenant + SUFFIX + ".compacting");
    StringBuilder content = new StringBuilder();
    records.forEach(r -> content.append(r).append('\n'));
    try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      ByteBuffer buffer = ByteBuffer.wrap(content.toString().getBytes(StandardCharsets.UTF_8));
      while (buffer.hasRemaining()) {
        channel.write(buffer);
      }
      channel.force(false);
    }
    FileChannel old = files.remove(tenant);
    if (old != null) {
      old.close();
    }
    Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    syncDirectory();
  }

  private Path fileOf(String tenant) {
    return dir.resolve(tenant + SUFFIX);
  }

  /** Makes a created or renamed file's directory entry durable too. */
  private void syncDirectory() throws IOException {
    Files.createDirectories(dir);
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    }
  }
}
