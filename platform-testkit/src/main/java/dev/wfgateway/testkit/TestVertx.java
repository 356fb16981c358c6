package dev.wfgateway.testkit;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Vert.x for tests with the blocked-thread checker armed tightly: an event loop busy for longer
 * than {@link #MAX_EVENT_LOOP_MILLIS} is recorded, and {@link #close} fails the test if any was.
 * Every Vert.x built from {@link #options} is watched, clustered or not: the checker's warnings are
 * read from its logger, which every instance of the JVM shares.
 */
public final class TestVertx {
  /**
   * Half Vert.x's default: catches a blocking call, while leaving room for one-time initialisation
   * (Netty's DNS resolver, JSON Schema, Jackson) on a cold JVM sharing 2 cores with other builds.
   */
  public static final long MAX_EVENT_LOOP_MILLIS = 1_000;

  /** The logger Vert.x's blocked-thread checker warns on (its documented name). */
  static final String CHECKER_LOGGER = "io.vertx.core.impl.BlockedThreadChecker";
  /** Held, because java.util.logging keeps loggers only weakly, and their handlers with them. */
  private static final Logger CHECKER_LOG = Logger.getLogger(CHECKER_LOGGER);
  private static final String EVENT_LOOP_WARNING = "Thread vert.x-eventloop";
  private static final List<String> BLOCKED = new CopyOnWriteArrayList<>();
  private static final Handler RECORDER = new Handler() {
    @Override
    public void publish(LogRecord warning) {
      if (warning.getMessage() != null && warning.getMessage().startsWith(EVENT_LOOP_WARNING)) {
        StringBuilder trace = new StringBuilder(warning.getMessage());
        if (warning.getThrown() != null) {
          for (StackTraceElement e : warning.getThrown().getStackTrace()) {
            trace.append("\n\tat ").append(e);
          }
        }
        BLOCKED.add(trace.toString());
      }
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
    }
  };

  private TestVertx() {
  }

  public static VertxOptions options() {
    recordBlockedEventLoops();
    return new VertxOptions()
        .setBlockedThreadCheckInterval(100).setBlockedThreadCheckIntervalUnit(TimeUnit.MILLISECONDS)
        .setMaxEventLoopExecuteTime(MAX_EVENT_LOOP_MILLIS).setMaxEventLoopExecuteTimeUnit(TimeUnit.MILLISECONDS)
        .setWarningExceptionTime(MAX_EVENT_LOOP_MILLIS).setWarningExceptionTimeUnit(TimeUnit.MILLISECONDS);
  }

  public static Vertx create() {
    return Vertx.vertx(options());
  }

  /**
   * Hooks the recorder onto the checker's logger, at every build: re-reading the logging
   * configuration (as the bench does) drops every logger's handlers and level. The level is forced
   * so that no logging configuration can silence the warnings before they are recorded.
   */
  private static synchronized void recordBlockedEventLoops() {
    CHECKER_LOG.setLevel(Level.WARNING);
    if (!List.of(CHECKER_LOG.getHandlers()).contains(RECORDER)) {
      CHECKER_LOG.addHandler(RECORDER);
    }
  }

  /** Closes the instance and fails if any event loop was blocked during the test. */
  public static void close(Vertx vertx) throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    assertNoBlockedThreads();
  }

  public static void assertNoBlockedThreads() {
    if (!BLOCKED.isEmpty()) {
      List<String> copy = List.copyOf(BLOCKED);
      BLOCKED.clear();
      throw new AssertionError("event loop blocked:\n" + String.join("\n", copy));
    }
  }
}
