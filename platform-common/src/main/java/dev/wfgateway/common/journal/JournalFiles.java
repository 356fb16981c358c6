package dev.wfgateway.common.journal;

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
import java.util.List;
import java.util.Map;

/**
 * The writing side of {@link JsonLinesJournal}: its files in one directory,
 * {@code <dir>/<name>.jsonl}, appended to and fsynced, or replaced through a fsynced temp file and
 * an atomic rename; a created or renamed file's directory entry is made durable too. Blocking:
 * called on worker threads only. The files kept open are touched only by the journal's serialized
 * jobs; {@link #writeTemp} touches none of them, so a compaction's fold may call it meanwhile.
 */
final class JournalFiles {
  private static final String TEMP_SUFFIX = JsonLinesJournal.SUFFIX + ".compacting";
  private static final int CHUNK_BYTES = 1 << 20;

  private final Path dir;
  private final Map<String, FileChannel> open = new HashMap<>();

  JournalFiles(Path dir) {
    this.dir = dir;
  }

  /** The names that have a file, sorted. */
  List<String> names() throws IOException {
    Files.createDirectories(dir);
    List<String> names = new ArrayList<>();
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir, "*" + JsonLinesJournal.SUFFIX)) {
      for (Path file : stream) {
        if (Files.isRegularFile(file)) {
          String name = file.getFileName().toString();
          names.add(name.substring(0, name.length() - JsonLinesJournal.SUFFIX.length()));
        }
      }
    }
    names.sort(null);
    return names;
  }

  Path fileOf(String name) {
    return dir.resolve(name + JsonLinesJournal.SUFFIX);
  }

  /** Where the named file ends now; 0 when it does not exist. */
  long size(String name) throws IOException {
    Path file = fileOf(name);
    return Files.exists(file) ? Files.size(file) : 0L;
  }

  /** Appends each name's lines to its file, then fsyncs every file it wrote. */
  void append(Map<String, StringBuilder> linesByName) throws IOException {
    boolean created = false;
    List<FileChannel> touched = new ArrayList<>();
    for (Map.Entry<String, StringBuilder> nameLines : linesByName.entrySet()) {
      FileChannel channel = open.get(nameLines.getKey());
      if (channel == null) {
        Path file = fileOf(nameLines.getKey());
        if (!Files.exists(file)) {
          Files.createDirectories(dir);
          created = true;
        }
        channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
            StandardOpenOption.APPEND);
        open.put(nameLines.getKey(), channel);
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

  /**
   * Writes the records to a fresh temp file, a chunk at a time, each chunk fsynced before the next
   * is written: one fsync of a whole large file would hold up the appends' fsyncs on the same disk
   * for as long as it takes.
   */
  Path writeTemp(String name, List<String> records) throws IOException {
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

  /**
   * Copies what the named file holds from {@code end} on after the temp file's lines, then replaces
   * the file by it. A failure leaves the old file as it was, and deletes the temp file.
   */
  void replaceWithTail(String name, Path temp, long end) throws IOException {
    try {
      copyTail(fileOf(name), end, temp);
      replaceWith(name, temp);
    } catch (IOException e) {
      try {
        Files.deleteIfExists(temp);
      } catch (IOException ignored) {
        // the next compaction truncates it
      }
      throw e;
    }
  }

  void replaceWith(String name, Path temp) throws IOException {
    FileChannel old = open.remove(name);
    if (old != null) {
      old.close();
    }
    Files.move(temp, fileOf(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    syncDirectory();
  }

  void closeAll() throws IOException {
    for (FileChannel channel : open.values()) {
      channel.close();
    }
    open.clear();
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

  private static void writeFully(FileChannel channel, String text) throws IOException {
    ByteBuffer buffer = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
    while (buffer.hasRemaining()) {
      channel.write(buffer);
    }
  }

  /** Makes a created or renamed file's directory entry durable too. */
  private void syncDirectory() throws IOException {
    Files.createDirectories(dir);
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    }
  }
}
