package dev.wfgateway.bench;

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
  private final int httpPort;

  LocalNodeUnderTest() throws Exception {
    jvms = new PlatformJvms("wfgateway-bench-local");
    echo = jvms.echo;
    try {
      // A port of the OS's choosing: no other process can take it between choosing and binding.
      jvms.start(NODE, Map.of("HTTP_PORT", "0",
          "RUNS_JOURNAL_DIR", jvms.dir.resolve("runs").toString(), "DLQ_JOURNAL_DIR", jvms.dir.resolve("dlq").toString()));
      httpPort = jvms.node(NODE).awaitHttpPort(PlatformJvms.START);
      jvms.node(NODE).awaitReady(httpPort, PlatformJvms.START);
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

  /**
   * Starts the killed node again on the same journals and port (its clients know no other, as
   * behind a supervisor), and waits until it is ready. The port is free while the node is down:
   * should another process take it meanwhile, the node exits and the wait fails with its output.
   */
  void restart() {
    jvms.restart(NODE, Map.of("HTTP_PORT", String.valueOf(httpPort)));
    jvms.node(NODE).awaitReady(httpPort, PlatformJvms.START);
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
