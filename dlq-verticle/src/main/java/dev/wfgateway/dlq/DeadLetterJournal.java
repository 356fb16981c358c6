package dev.wfgateway.dlq;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
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
import java.util.TreeMap;
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

  private record PendingRewrite(String tenant, Supplier<List<JsonObject>> liveRecords, Promise<Void> done) {
  }

  private record Batch(List<PendingRewrite> rewrites, Map<String, List<JsonObject>> rewriteRecords,
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

  /**
   * Reads every tenant's records, oldest first. A line that does not parse is skipped with a
   * warning naming file and line; a torn last line (a crash mid-write) is also cut off the file so
   * the next append starts on a clean line.
   */
  Future<Map<String, List<JsonObject>>> replay() {
    return vertx.executeBlocking(() -> {
      Files.createDirectories(dir);
      Map<String, List<JsonObject>> byTenant = new TreeMap<>();
      try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
        for (Path file : stream) {
          if (Files.isRegularFile(file)) {
            String name = file.getFileName().toString();
            byTenant.put(name.substring(0, name.length() - SUFFIX.length()), readRecords(file));
          }
        }
      }
      return byTenant;
    });
  }

  private static List<JsonObject> readRecords(Path file) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    List<JsonObject> records = new ArrayList<>();
    int start = 0;
    int lineNumber = 0;
    while (start < bytes.length) {
      lineNumber++;
      int end = start;
      while (end < bytes.length && bytes[end] != '\n') {
        end++;
      }
      boolean terminated = end < bytes.length;
      JsonObject record = parse(new String(bytes, start, end - start, StandardCharsets.UTF_8));
      if (record != null) {
        records.add(record);
        if (!terminated) {
          appendBytes(file, "\n");
        }
      } else if (!terminated) {
        LOG.log(Level.WARNING, "DLQ journal {0}: skipping torn last line {1} (a write interrupted by a crash)",
            file, lineNumber);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
          channel.truncate(start);
          channel.force(true);
        }
      } else if (end > start) {
        LOG.log(Level.WARNING, "DLQ journal {0}: skipping corrupt line {1}", file, lineNumber);
      }
      start = end + 1;
    }
    return records;
  }

  private static JsonObject parse(String line) {
    if (line.isBlank()) {
      return null;
    }
    try {
      return new JsonObject(line);
    } catch (DecodeException | ClassCastException e) {
      return null;
    }
  }

  private static void appendBytes(Path file, String text) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
      channel.write(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
      channel.force(false);
    }
  }

  /** Appends one record to the tenant's file; completes once it is fsynced. */
  Future<Void> append(String tenant, JsonObject record) {
    if (closed) {
      return Future.failedFuture(new IllegalStateException("journal closed"));
    }
    Promise<Void> written = Promise.promise();
    pendingLines.add(new PendingLine(tenant, record.encode() + "\n", written));
    writeNext();
    return written.future();
  }

  /**
   * Replaces the tenant's file by the records {@code liveRecords} supplies (temp file, fsync,
   * atomic rename). The supplier is called on the event loop when the rewrite's turn comes, after
   * every earlier append is on disk, so it sees exactly the state the old file held; appends made
   * after that go to the new file.
   */
  Future<Void> rewrite(String tenant, Supplier<List<JsonObject>> liveRecords) {
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
    Map<String, List<JsonObject>> rewriteRecords = new LinkedHashMap<>();
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
    for (Map.Entry<String, List<JsonObject>> rewrite : batch.rewriteRecords().entrySet()) {
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

  private void replaceFile(String tenant, List<JsonObject> records) throws IOException {
    Path file = fileOf(tenant);
    Path temp = dir.resolve(tenant + SUFFIX + ".compacting");
    StringBuilder content = new StringBuilder();
    records.forEach(r -> content.append(r.encode()).append('\n'));
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
