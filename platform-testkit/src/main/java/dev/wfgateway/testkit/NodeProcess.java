package dev.wfgateway.testkit;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * One platform node as a real JVM running the packaged jar, its output kept in a file: for tests
 * and benchmarks that need a node they can kill. A node is waited for the way a load balancer or
 * an operator would: {@link #awaitReady} on a node that serves HTTP, {@link #awaitCluster} (asked
 * of a gateway) for nodes that do not.
 */
public final class NodeProcess implements AutoCloseable {
  /** What {@code Main} logs once the node has started, with the port its gateway bound. */
  private static final Pattern HTTP_PORT = Pattern.compile("platform node started: .*, HTTP on port (\\d+)");
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

  private final String name;
  private final Process process;
  private final Path log;

  private NodeProcess(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
  }

  /** {@code java -jar jar args}, with its output in {@code <logDir>/<name>.log}. */
  public static NodeProcess fromJar(Path jar, String name, Path logDir, Map<String, String> env, String... args)
      throws IOException {
    List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
        "-Xmx256m", "-jar", jar.toAbsolutePath().toString()));
    command.addAll(List.of(args));
    return start(name, logDir, env, command);
  }

  /** Runs {@code command} as node {@code name}: the packaged jar's, or a stand-in's in a test of this class. */
  static NodeProcess start(String name, Path logDir, Map<String, String> env, List<String> command) throws IOException {
    Path log = logDir.resolve(name + ".log");
    ProcessBuilder builder = new ProcessBuilder(command).directory(logDir.toFile())
        .redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().putAll(env);
    return new NodeProcess(name, builder.start(), log);
  }

  public String output() {
    try {
      return Files.exists(log) ? Files.readString(log) : "";
    } catch (IOException e) {
      return "";
    }
  }

  /**
   * The port the node's gateway bound when started with {@code HTTP_PORT=0}, so that no other
   * process can take it between choosing and binding. Read from the node's start line: the node
   * tells its port nowhere else (no HTTP route can be asked before the port is known).
   */
  public int awaitHttpPort(Duration timeout) {
    return await("its HTTP port", timeout, List.of(this), () -> {
      Matcher started = HTTP_PORT.matcher(output());
      return started.find() ? Integer.valueOf(started.group(1)) : null;
    }, () -> "");
  }

  /** Waits until {@code GET /health/ready} on {@code httpPort} answers 200; fails with the node's output if it exits first. */
  public void awaitReady(int httpPort, Duration timeout) {
    Answer[] last = {null};
    await("to answer 200 on /health/ready", timeout, List.of(this), () -> {
      last[0] = get(httpPort, "/health/ready", null);
      return last[0] != null && last[0].status() == 200 ? last[0] : null;
    }, () -> "last answer: " + last[0]);
  }

  /**
   * For nodes that serve no HTTP: waits until the gateway on {@code httpPort} lists in
   * {@code GET /admin/cluster} exactly as many members as {@code nodes} (the gateway's own node
   * among them), each having reported itself {@code UP}; a node reports once it has deployed its
   * verticles. Fails at once, with its output, if one of {@code nodes} exits. Returns the
   * cluster as the gateway described it.
   */
  public static JsonObject awaitCluster(int httpPort, String adminToken, Duration timeout, NodeProcess... nodes) {
    Answer[] last = {null};
    return await("a cluster of " + nodes.length + " members, every one UP", timeout, List.of(nodes), () -> {
      last[0] = get(httpPort, "/admin/cluster", adminToken);
      if (last[0] == null || last[0].status() != 200) {
        return null;
      }
      JsonObject cluster = new JsonObject(last[0].body());
      boolean complete = Integer.valueOf(nodes.length).equals(cluster.getInteger("size")) && cluster.getJsonArray("members").stream()
          .allMatch(member -> "UP".equals(((JsonObject) member).getString("health")));
      return complete ? cluster : null;
    }, () -> "last answer of the gateway: " + last[0]);
  }

  /** One HTTP answer: its status and body. */
  private record Answer(int status, String body) {
    @Override
    public String toString() {
      return status + " " + body;
    }
  }

  /** The answer of {@code GET path} on loopback, or null while the port takes no connection. */
  private static Answer get(int httpPort, String path, String bearer) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
        .timeout(Duration.ofSeconds(5));
    if (bearer != null) {
      request.header("Authorization", "Bearer " + bearer);
    }
    try {
      HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
      return new Answer(response.statusCode(), response.body());
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while asking for " + path, e);
    }
  }

  /**
   * Polls {@code look} until it gives a value; fails at once if one of {@code nodes} exits, and
   * after the deadline with {@code state} and the output of every node.
   */
  private static <T> T await(String what, Duration timeout, List<NodeProcess> nodes, Supplier<T> look,
      Supplier<String> state) {
    String whose = nodes.size() == 1 ? nodes.get(0).name + " " + what : what;
    return Poll.until(whose, timeout, () -> {
      for (NodeProcess node : nodes) {
        if (!node.process.isAlive()) {
          throw new IllegalStateException(node.name + " exited with code " + node.process.exitValue()
              + " while waiting for " + whose + "; its output:\n" + node.output());
        }
      }
      return look.get();
    }, () -> state.get() + nodes.stream().map(node -> "\noutput of " + node.name + ":\n" + node.output())
        .collect(Collectors.joining()));
  }

  /** Waits for the node to exit by itself and returns its exit code; fails with its output if it does not. */
  public int awaitExit(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError(name + " did not exit within " + timeout + "; its output:\n" + output());
    }
    return process.exitValue();
  }

  /** SIGKILL: the node dies without any chance to clean up. */
  public void kill() throws InterruptedException {
    process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
  }

  /** SIGTERM, then the exit code. */
  public int terminate() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(45, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    return process.exitValue();
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      kill();
    }
  }
}
