package dev.wfgateway.bench;

import dev.wfgateway.testkit.Await;
import dev.wfgateway.testkit.NodeProcess;
import dev.wfgateway.testkit.RedisFixture;
import dev.wfgateway.testkit.TestVertx;
import dev.wfgateway.launcher.Main;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Platform nodes as real JVMs on a loopback Hazelcast cluster with the Redis backend, for the chaos
 * scenario that kills one: a gateway-only node and two workflow nodes (rate limit, workflow, DLQ),
 * each running the platform's jar (the launcher artifact the bench depends on) with the bench's
 * configuration.
 * The downstreams ({@link EchoServices}) run in the bench JVM on a guarded Vert.x, called over HTTP.
 * Node logs are kept in {@code bench/target/chaos-nodes}.
 */
final class ClusterUnderTest implements AutoCloseable {
  static final String ADMIN_TOKEN = "bench-admin";
  static final List<String> WORKFLOW_NODES = List.of("workflow-1", "workflow-2");
  private static final Duration START = Duration.ofSeconds(90);
  private static final Pattern STARTED = Pattern.compile("platform node started");
  private static final Path LOGS = Path.of("target", "chaos-nodes");
  /** The launcher artifact on the bench's class path is the shaded, runnable platform jar. */
  private static final Path PLATFORM_JAR = platformJar();

  final Vertx vertx = TestVertx.guard(Vertx.vertx(TestVertx.options()));
  final EchoServices echo = new EchoServices();
  private final Path dir;
  private final Map<String, String> env = new HashMap<>();
  private final Map<String, Integer> clusterPorts = new LinkedHashMap<>();
  private final Map<String, NodeProcess> nodes = new LinkedHashMap<>();
  private final List<NodeProcess> everStarted = new ArrayList<>();
  private final Map<String, Integer> starts = new HashMap<>();
  private final int httpPort = RedisFixture.freePort();

  ClusterUnderTest(String redisUrl) throws Exception {
    dir = Files.createTempDirectory("wfgateway-bench-cluster");
    Files.createDirectories(LOGS);
    Await.result(vertx.deployVerticle(echo));
    for (String name : List.of("gateway", WORKFLOW_NODES.get(0), WORKFLOW_NODES.get(1))) {
      clusterPorts.put(name, RedisFixture.freePort());
    }
    env.putAll(Map.of("CLUSTER_NAME", "bench-" + UUID.randomUUID(), "CLUSTER_MEMBERS", String.join(",",
            clusterPorts.values().stream().map(port -> "127.0.0.1:" + port).toList()),
        "REDIS_URL", redisUrl, "PLATFORM_CONFIG", BenchConfig.write(dir, echo.httpPort()).toString(),
        "PLATFORM_ADMIN_TOKEN", ADMIN_TOKEN, "HTTP_HOST", "127.0.0.1"));
    start("gateway", httpPort, "gateway");
    for (String name : WORKFLOW_NODES) {
      start(name, 0, "ratelimit,workflow,dlq");
    }
    for (NodeProcess node : nodes.values()) {
      node.awaitOutput("its start", STARTED, START);
    }
    nodes.get("gateway").awaitOutput("a cluster of three", Pattern.compile("Members \\{size:3"), START);
  }

  private static Path platformJar() {
    try {
      Path location = Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      if (!location.toString().endsWith(".jar")) {
        throw new IllegalStateException("the launcher comes from " + location + ", not from its jar: run"
            + " 'mvn -B -q install -DskipTests' first (docs/benchmarks.md)");
      }
      return location;
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  int gatewayPort() {
    return httpPort;
  }

  /** SIGKILL: the node gets no chance to leave the cluster or finish its runs. */
  void kill(String name) {
    try {
      nodes.get(name).kill();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Starts a killed node again, on the same cluster port, and waits until it has started. */
  void restart(String name) {
    try {
      start(name, 0, "ratelimit,workflow,dlq").awaitOutput("its start", STARTED, START);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Lines of any node's log that report a blocked event loop (the platform's own checker). */
  List<String> blockedThreadWarnings() {
    return everStarted.stream().flatMap(node -> node.output().lines())
        .filter(line -> line.contains("has been blocked")).toList();
  }

  private NodeProcess start(String name, int nodeHttpPort, String verticles) throws IOException {
    Map<String, String> nodeEnv = new HashMap<>(env);
    nodeEnv.put("CLUSTER_PORT", String.valueOf(clusterPorts.get(name)));
    nodeEnv.put("HTTP_PORT", String.valueOf(nodeHttpPort));
    nodeEnv.put("DLQ_JOURNAL_DIR", dir.resolve(name).toString());
    int start = starts.merge(name, 1, Integer::sum);
    NodeProcess node = NodeProcess.fromJar(PLATFORM_JAR, name + "-" + start, LOGS.toAbsolutePath(), nodeEnv,
        "--cluster", "--verticles", verticles);
    nodes.put(name, node);
    everStarted.add(node);
    return node;
  }

  @Override
  public void close() throws Exception {
    for (NodeProcess node : nodes.values()) {
      node.close();
    }
    Await.result(vertx.close(), Duration.ofSeconds(30));
    BenchFiles.deleteTree(dir);
  }
}
