package dev.wfgateway.bench;

import dev.wfgateway.testkit.NodeProcess;
import dev.wfgateway.testkit.RedisFixture;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

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
  private final int httpPort;

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
      start("gateway", env, "gateway");
      for (String name : WORKFLOW_NODES) {
        start(name, env, "ratelimit,workflow,dlq");
      }
      httpPort = jvms.node("gateway").awaitHttpPort(PlatformJvms.START);
      awaitCluster();
      jvms.node("gateway").awaitReady(httpPort, PlatformJvms.START);
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

  /** Starts a killed node again, on the same cluster port, and waits until the gateway lists it UP. */
  void restart(String name) {
    jvms.restart(name, Map.of());
    awaitCluster();
  }

  /** Until the gateway lists the three nodes (their current processes), each UP. */
  private void awaitCluster() {
    NodeProcess.awaitCluster(httpPort, ADMIN_TOKEN, PlatformJvms.START,
        clusterPorts.keySet().stream().map(jvms::node).toArray(NodeProcess[]::new));
  }

  /** Lines of any node's log that report a blocked event loop (the platform's own checker). */
  List<String> blockedThreadWarnings() {
    return jvms.blockedThreadWarnings();
  }

  /**
   * The cluster port was found free before the node binds it; should another process take it in
   * between, Hazelcast binds the next one up (auto-increment in cluster.xml) and the node still
   * meets the others through their listed ports. The gateway binds an HTTP port the OS picks.
   */
  private void start(String name, Map<String, String> env, String verticles) throws IOException {
    Map<String, String> nodeEnv = new LinkedHashMap<>(env);
    nodeEnv.put("CLUSTER_PORT", String.valueOf(clusterPorts.get(name)));
    nodeEnv.put("HTTP_PORT", "0");
    nodeEnv.put("DLQ_JOURNAL_DIR", jvms.dir.resolve(name).toString());
    jvms.start(name, nodeEnv, "--cluster", "--verticles", verticles);
  }

  @Override
  public void close() throws Exception {
    jvms.close();
  }
}
