package dev.wfgateway.bench;

import dev.wfgateway.launcher.Main;
import dev.wfgateway.testkit.Await;
import dev.wfgateway.testkit.NodeProcess;
import dev.wfgateway.testkit.TestVertx;
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

/**
 * Platform nodes as real JVMs, for the chaos scenarios that SIGKILL one: each runs the platform's
 * jar (the launcher artifact the bench depends on) with the bench's configuration, on loopback,
 * and can be killed and started again with the same environment and arguments. The downstreams
 * ({@link EchoServices}) run in the bench JVM on a guarded Vert.x, called over HTTP. Node logs are
 * kept in {@code bench/target/chaos-nodes}, one per process.
 */
final class PlatformJvms implements AutoCloseable {
  /** How long a node may take to start. */
  static final Duration START = Duration.ofSeconds(90);
  private static final Path LOGS = Path.of("target", "chaos-nodes");
  /** The launcher artifact on the bench's class path is the shaded, runnable platform jar. */
  private static final Path PLATFORM_JAR = platformJar();

  final Vertx vertx = Vertx.vertx(TestVertx.options());
  final EchoServices echo = new EchoServices();
  /** A temporary directory for the nodes' files, removed on close. */
  final Path dir;
  private final Map<String, String> env = new HashMap<>();
  private final Map<String, Launch> launches = new HashMap<>();
  private final Map<String, NodeProcess> nodes = new LinkedHashMap<>();
  private final List<NodeProcess> everStarted = new ArrayList<>();
  private final Map<String, Integer> starts = new HashMap<>();

  /** How a node is started, every time. */
  private record Launch(Map<String, String> env, List<String> args) {
  }

  PlatformJvms(String dirPrefix) throws Exception {
    dir = Files.createTempDirectory(dirPrefix);
    Files.createDirectories(LOGS);
    Await.result(vertx.deployVerticle(echo));
    env.putAll(Map.of("PLATFORM_CONFIG", BenchConfig.write(dir, echo.httpPort()).toString(), "HTTP_HOST", "127.0.0.1"));
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

  /**
   * Starts node {@code name} without waiting for it (its {@link NodeProcess} says when it is
   * ready); {@link #restart} starts it again with the same {@code nodeEnv} and {@code args}.
   */
  void start(String name, Map<String, String> nodeEnv, String... args) throws IOException {
    Map<String, String> merged = new HashMap<>(env);
    merged.putAll(nodeEnv);
    launches.put(name, new Launch(merged, List.of(args)));
    launch(name);
  }

  /** The node's current process. */
  NodeProcess node(String name) {
    return nodes.get(name);
  }

  /** SIGKILL: the node gets no chance to leave the cluster, finish its runs or close its files. */
  void kill(String name) {
    try {
      node(name).kill();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * Starts a killed node again as it was started first, with {@code envChanges} over its
   * environment, without waiting for it.
   */
  void restart(String name, Map<String, String> envChanges) {
    Launch first = launches.get(name);
    Map<String, String> merged = new HashMap<>(first.env());
    merged.putAll(envChanges);
    launches.put(name, new Launch(merged, first.args()));
    try {
      launch(name);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Lines of any node process's log that report a blocked event loop (the platform's own checker). */
  List<String> blockedThreadWarnings() {
    return everStarted.stream().flatMap(node -> node.output().lines())
        .filter(line -> line.contains("has been blocked")).toList();
  }

  private void launch(String name) throws IOException {
    Launch launch = launches.get(name);
    int start = starts.merge(name, 1, Integer::sum);
    NodeProcess node = NodeProcess.fromJar(PLATFORM_JAR, name + "-" + start, LOGS.toAbsolutePath(), launch.env(),
        launch.args().toArray(String[]::new));
    nodes.put(name, node);
    everStarted.add(node);
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
