package dev.wfgateway.launcher;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Stream;

/** The launcher's log messages from {@link #capture} to {@link #close}, for tests that await what a reload logged. */
final class LauncherLog extends Handler implements AutoCloseable {
  private static final Logger LAUNCHER = Logger.getLogger("dev.wfgateway.launcher");
  private final List<String> messages = new CopyOnWriteArrayList<>();

  private LauncherLog() {
  }

  static LauncherLog capture() {
    LauncherLog log = new LauncherLog();
    LAUNCHER.addHandler(log);
    return log;
  }

  /** The first message that contains each of {@code parts}, or null. */
  String find(String... parts) {
    return messages.stream().filter(m -> Stream.of(parts).allMatch(m::contains)).findFirst().orElse(null);
  }

  void clear() {
    messages.clear();
  }

  @Override
  public void publish(LogRecord record) {
    messages.add(record.getMessage());
  }

  @Override
  public void flush() {
  }

  @Override
  public void close() {
    LAUNCHER.removeHandler(this);
  }
}
