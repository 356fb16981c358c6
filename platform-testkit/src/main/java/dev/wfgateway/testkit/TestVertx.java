package dev.wfgateway.testkit;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.internal.threadchecker.BlockedThreadEvent;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * Vert.x for tests with the blocked-thread checker armed tightly: an event loop busy for longer
 * than {@link #MAX_EVENT_LOOP_MILLIS} is recorded, and {@link #close} fails the test if any was.
 */
public final class TestVertx {
  /**
   * Half Vert.x's default: catches a blocking call, while leaving room for one-time initialisation
   * (Netty's DNS resolver, JSON Schema, Jackson) on a cold JVM sharing 2 cores with other builds.
   */
  public static final long MAX_EVENT_LOOP_MILLIS = 1_000;

  private static final List<String> BLOCKED = new CopyOnWriteArrayList<>();

  private TestVertx() {
  }

  public static VertxOptions options() {
    return new VertxOptions()
        .setBlockedThreadCheckInterval(100).setBlockedThreadCheckIntervalUnit(TimeUnit.MILLISECONDS)
        .setMaxEventLoopExecuteTime(MAX_EVENT_LOOP_MILLIS).setMaxEventLoopExecuteTimeUnit(TimeUnit.MILLISECONDS)
        .setWarningExceptionTime(MAX_EVENT_LOOP_MILLIS).setWarningExceptionTimeUnit(TimeUnit.MILLISECONDS);
  }

  public static Vertx create() {
    return guard(Vertx.vertx(options()));
  }

  /** Records every blocked-thread warning of this instance (a clustered or launcher-built one too). */
  public static Vertx guard(Vertx vertx) {
    ((VertxInternal) vertx).blockedThreadChecker().setThreadBlockedHandler(TestVertx::record);
    return vertx;
  }

  private static void record(BlockedThreadEvent event) {
    if (event.thread().getName().startsWith("vert.x-eventloop")) {
      StringBuilder trace = new StringBuilder(event.toString());
      for (StackTraceElement e : event.thread().getStackTrace()) {
        trace.append("\n\tat ").append(e);
      }
      BLOCKED.add(trace.toString());
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
