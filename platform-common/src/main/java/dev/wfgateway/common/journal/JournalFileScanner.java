package dev.wfgateway.common.journal;

import dev.wfgateway.common.journal.JsonLinesJournal.LineReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Collector;

/**
 * The reading side of {@link JsonLinesJournal}: one file's lines, a chunk at a time, each handed to
 * a {@link LineReader}; for a replay at start-up and for the fold of a compaction. Runs on a worker
 * thread, never on an event loop.
 */
final class JournalFileScanner {
  /** Warnings go out under the journal's name, where operators look for them. */
  private static final System.Logger LOG = System.getLogger(JsonLinesJournal.class.getName());
  private static final int CHUNK_BYTES = 1 << 20;

  private JournalFileScanner() {
  }

  /** The lines a compaction keeps, and how many records it read and dropped. */
  record Kept(List<String> lines, int dropped) {
  }


  static <R, A, T> T replay(Path file, LineReader<R> reader, Collector<R, A, T> fold) throws IOException {
    A folded = fold.supplier().get();
    if (Files.exists(file)) {
      Consumer<R> add = record -> fold.accumulator().accept(folded, record);
      Scan scan = scan(file, Files.size(file), reader, add);
      if (scan.unterminated() != null) {
        readLastLine(file, scan, reader, add);
      }
    }
    return fold.finisher().apply(folded);
  }

  /** What a scan found besides the records: how many whole lines, and the bytes after the last one. */
  private record Scan(long wholeLines, long unterminatedStart, byte[] unterminated) {
  }

  /**
   * Hands the record of each whole line among the file's first {@code end} bytes to {@code add},
   * oldest first, a chunk at a time, so that no file is ever held in memory whole. A line that
   * does not parse is skipped with a warning naming file and line.
   */
  private static <R> Scan scan(Path file, long end, LineReader<R> reader, Consumer<R> add) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      ByteBuffer chunk = ByteBuffer.allocate(CHUNK_BYTES);
      byte[] bytes = chunk.array();
      ByteArrayOutputStream partial = new ByteArrayOutputStream();
      long position = 0;
      long lineStart = 0;
      long lineNumber = 0;
      while (position < end) {
        chunk.clear().limit((int) Math.min(CHUNK_BYTES, end - position));
        int read = channel.read(chunk, position);
        if (read <= 0) {
          break;
        }
        int from = 0;
        for (int i = 0; i < read; i++) {
          if (bytes[i] != '\n') {
            continue;
          }
          String line;
          if (partial.size() == 0) {
            line = new String(bytes, from, i - from, StandardCharsets.UTF_8);
          } else {
            partial.write(bytes, from, i - from);
            line = partial.toString(StandardCharsets.UTF_8);
            partial.reset();
          }
          lineNumber++;
          R record = reader.read(line, 0, line.length());
          if (record != null) {
            add.accept(record);
          } else if (!line.isBlank()) {
            LOG.log(Level.WARNING, "journal {0}: skipping corrupt line {1}", file, lineNumber);
          }
          from = i + 1;
          lineStart = position + from;
        }
        partial.write(bytes, from, read - from);
        position += read;
      }
      return new Scan(lineNumber, lineStart, partial.size() == 0 ? null : partial.toByteArray());
    }
  }

  /**
   * A last line without its newline may be cut short by a crash, so every character of it is
   * checked: whole, it gets its newline; torn, it is cut off the file.
   */
  private static <R> void readLastLine(Path file, Scan scan, LineReader<R> reader, Consumer<R> add)
      throws IOException {
    R record = reader.read(new String(scan.unterminated(), StandardCharsets.UTF_8));
    if (record != null) {
      add.accept(record);
      appendBytes(file, "\n");
      return;
    }
    LOG.log(Level.WARNING, "journal {0}: skipping torn last line {1} (a write interrupted by a crash)",
        file, scan.wholeLines() + 1);
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
      channel.truncate(scan.unterminatedStart());
      channel.force(true);
    }
  }

  private static void appendBytes(Path file, String text) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
      channel.write(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
      channel.force(false);
    }
  }

  static <R, A> Kept keep(Path file, long end, LineReader<R> reader, Collector<R, A, List<String>> live)
      throws IOException {
    A folded = live.supplier().get();
    long[] read = {0};
    scan(file, end, reader, record -> {
      read[0]++;
      live.accumulator().accept(folded, record);
    });
    List<String> kept = live.finisher().apply(folded);
    return new Kept(kept, Math.toIntExact(read[0] - kept.size()));
  }
}
