package dev.wfgateway.bench;

import dev.wfgateway.testkit.RedisFixture;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The embedded default as a real JVM ({@link PlatformJvms}): one node on the local backend (no
 * Redis, no cluster) with its run and DLQ journals in a temporary directory, for the chaos scenario
 * that SIGKILLs it and starts it again on the same journals and HTTP port.
 */
final class LocalNodeUnderTest implements AutoCloseable {
  private static final String NODE = "local";
  static final String STARTED_AGAIN = "starting it again";
  static final String DEAD_LETTERED = "dead-lettering it";
  /** What the workflow verticle logs for each unfinished run its journal held at start, with what it does with it. */
  private static final Pattern RECOVERING = Pattern.compile("recovering run \\S+ from the run journal: (.+)");

  final EchoServices echo;
  private final PlatformJvms jvms;
  private final int httpPort = RedisFixture.freePort();

  LocalNodeUnderTest() throws Exception {
    jvms = new PlatformJvms("wfgateway-bench-local");
    echo = jvms.echo;
    try {
      jvms.start(NODE, Map.of("HTTP_PORT", String.valueOf(httpPort),
          "RUNS_JOURNAL_DIR", jvms.dir.resolve("runs").toString(), "DLQ_JOURNAL_DIR", jvms.dir.resolve("dlq").toString()));
      jvms.awaitStarted(NODE);
    } catch (Exception | AssertionError e) {
      jvms.close();
      throw e;
    }
  }

  int gatewayPort() {
    return httpPort;
  }

  void kill() {
    jvms.kill(NODE);
  }

  /** Starts the killed node again on the same journals and port, and waits until it has started. */
  void restart() {
    jvms.restart(NODE);
  }

  /**
   * How many of the unfinished runs its journal held the current process logged it took over with
   * {@code action}: {@link #STARTED_AGAIN} (still queued) or {@link #DEAD_LETTERED} (it had begun a step).
   */
  long journalRecoveries(String action) {
    return RECOVERING.matcher(jvms.node(NODE).output()).results().filter(match -> match.group(1).equals(action)).count();
  }

  List<String> blockedThreadWarnings() {
    return jvms.blockedThreadWarnings();
  }

  @Override
  public void close() throws Exception {
    jvms.close();
  }
}
