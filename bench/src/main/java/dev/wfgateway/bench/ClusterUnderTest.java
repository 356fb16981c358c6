package dev.wfgateway.bench;

import dev.wfgateway.testkit.RedisFixture;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Platform nodes as real JVMs ({@link PlatformJvms}) on a loopback Hazelcast cluster with the Redis
 * backend, for the chaos scenario that kills one: a gateway-only node and two workflow nodes (rate
 * limit, workflow, DLQ).
 */
final class ClusterUnderTest implements AutoCloseable {
  static final String ADMIN_TOKEN = "bench-admin";
  static final List<String> WORKFLOW_NODES = List.of("workflow-1", "workflow-2");

  final EchoServices echo;
  private final PlatformJvms jvms;
  private final Map<String, Integer> clusterPorts = new LinkedHashMap<>();
  private final int httpPort = RedisFixture.freePort();

  ClusterUnderTest(String redisUrl) throws Exception {
    jvms = new PlatformJvms("wfgateway-bench-cluster");
    echo = jvms.echo;
    try {
      for (String name : List.of("gateway", WORKFLOW_NODES.get(0), WORKFLOW_NODES.get(1))) {
        clusterPorts.put(name, RedisFixture.freePort());
      }
      Map<String, String> env = Map.of("CLUSTER_NAME", "bench-" + UUID.randomUUID(), "CLUSTER_MEMBERS",
          String.join(",", clusterPorts.values().stream().map(port -> "127.0.0.1:" + port).toList()),
          "REDIS_URL", redisUrl, "PLATFORM_ADMIN_TOKEN", ADMIN_TOKEN);
      start("gateway", env, httpPort, "gateway");
      for (String name : WORKFLOW_NODES) {
        start(name, env, 0, "ratelimit,workflow,dlq");
      }
      for (String name : clusterPorts.keySet()) {
        jvms.awaitStarted(name);
      }
      jvms.node("gateway").awaitOutput("a cluster of three", Pattern.compile("Members \\{size:3"),
          PlatformJvms.START);
    } catch (Exception | AssertionError e) {
      jvms.close();
      throw e;
    }
  }

  int gatewayPort() {
    return httpPort;
  }

  /** SIGKILL: the node gets no chance to leave the cluster or finish its runs. */
  void kill(String name) {
    jvms.kill(name);
  }

  /** Starts a killed node again, on the same cluster port, and waits until it has started. */
  void restart(String name) {
    jvms.restart(name);
  }

  /** Lines of any node's log that report a blocked event loop (the platform's own checker). */
  List<String> blockedThreadWarnings() {
    return jvms.blockedThreadWarnings();
  }

  private void start(String name, Map<String, String> env, int nodeHttpPort, String verticles) throws IOException {
    Map<String, String> nodeEnv = new LinkedHashMap<>(env);
    nodeEnv.put("CLUSTER_PORT", String.valueOf(clusterPorts.get(name)));
    nodeEnv.put("HTTP_PORT", String.valueOf(nodeHttpPort));
    nodeEnv.put("DLQ_JOURNAL_DIR", jvms.dir.resolve(name).toString());
    jvms.start(name, nodeEnv, "--cluster", "--verticles", verticles);
  }

  @Override
  public void close() throws Exception {
    jvms.close();
  }
}
