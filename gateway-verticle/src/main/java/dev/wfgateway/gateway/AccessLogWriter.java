package dev.wfgateway.gateway;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Writes access-log lines from one background thread, so that formatting and writing them never
 * costs an event loop its time. Offering a line never blocks: when the writer falls behind by
 * {@link #CAPACITY} lines, further lines are dropped and counted, and the count is logged.
 */
final class AccessLogWriter {
  static final int CAPACITY = 65_536;
  private static final AccessLogWriter INSTANCE = new AccessLogWriter(Logger.getLogger("platform.access"));

  private final Logger log;
  private final BlockingQueue<String> lines = new ArrayBlockingQueue<>(CAPACITY);
  private final AtomicLong dropped = new AtomicLong();

  private AccessLogWriter(Logger log) {
    this.log = log;
    Thread writer = new Thread(this::write, "platform-access-log");
    writer.setDaemon(true);
    writer.start();
  }

  static AccessLogWriter instance() {
    return INSTANCE;
  }

  boolean enabled() {
    return log.isLoggable(Level.INFO);
  }

  void offer(String line) {
    if (!lines.offer(line)) {
      dropped.incrementAndGet();
    }
  }

  /** A record whose source is named, so that java.util.logging need not walk the stack to find it. */
  private static LogRecord record(String line) {
    LogRecord record = new LogRecord(Level.INFO, line);
    record.setLoggerName("platform.access");
    record.setSourceClassName(AccessLog.class.getName());
    record.setSourceMethodName("install");
    return record;
  }

  private void write() {
    while (true) {
      try {
        log.log(record(lines.take()));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      long lost = dropped.getAndSet(0);
      if (lost > 0) {
        log.warning(lost + " access-log lines dropped: the log could not keep up");
      }
    }
  }
}
