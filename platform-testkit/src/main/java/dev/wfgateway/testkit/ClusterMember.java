package dev.wfgateway.testkit;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.IntFunction;

/**
 * One node of a {@link RedisCluster} as a process: its directory (nodes.conf, redis.log) and its
 * port outlive its processes, so a killed node can be started again as the same node.
 */
final class ClusterMember {
  private static final int BUS_PORT_OFFSET = 10000;

  private final Path executable;
  private final Path dir;
  private final IntFunction<List<String>> arguments;
  private RedisProcess process;
  private boolean paused;

  private ClusterMember(Path executable, Path dir, IntFunction<List<String>> arguments) {
    this.executable = executable;
    this.dir = dir;
    this.arguments = arguments;
  }

  /** Starts a node on a free port whose cluster bus port is free too; {@code arguments} given the port. */
  static ClusterMember start(Path executable, Path dir, IntFunction<List<String>> arguments) throws IOException {
    ClusterMember member = new ClusterMember(executable, dir, arguments);
    member.process = RedisProcess.startOnFreePort(executable, dir, ClusterMember::freePortWithFreeBusPort,
        arguments, Resp::loopback);
    return member;
  }

  int port() {
    return process.port();
  }

  long pid() {
    return process.pid();
  }

  boolean alive() {
    return process.isAlive();
  }

  boolean answering() {
    return process.isAlive() && !paused;
  }

  Resp resp() {
    return Resp.loopback(port());
  }

  /** The cluster as this node sees it, or empty when it does not answer. */
  Optional<ClusterView> view() {
    try {
      return Optional.of(ClusterView.parse(resp().text("CLUSTER", "NODES")));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** SIGKILL: the node dies at once, without a word to the others. */
  void kill() {
    process.kill();
    paused = false;
  }

  /** SIGSTOP: the node keeps its sockets but answers nothing. */
  void pause() {
    process.signal("STOP");
    paused = true;
  }

  void resume() {
    process.signal("CONT");
    paused = false;
  }

  /** Starts a killed node again on its port and with its nodes.conf, so that it rejoins as the same node. */
  void restart() throws IOException {
    if (process.isAlive()) {
      throw new IllegalStateException(port() + " is still running");
    }
    process = RedisProcess.start(executable, dir, port(), arguments.apply(port()), resp());
  }

  /** Its state and view, for a timeout's message. */
  String describe() {
    if (!process.isAlive()) {
      return port() + ": killed";
    }
    if (paused) {
      return port() + ": paused";
    }
    try {
      return port() + ": " + resp().fields("CLUSTER", "INFO").get("cluster_state") + ", sees "
          + view().map(ClusterView::layout).orElse("nothing");
    } catch (IOException e) {
      return port() + ": no answer (" + e.getMessage() + ")";
    }
  }

  /** A port the OS calls free whose cluster bus port (+10000) is a valid, free port too. */
  private static int freePortWithFreeBusPort() {
    for (int attempt = 0; attempt < 100; attempt++) {
      int port = RedisFixture.freePort();
      if (port + BUS_PORT_OFFSET <= 65535 && bindable(port + BUS_PORT_OFFSET)) {
        return port;
      }
    }
    throw new IllegalStateException("found no free loopback port whose port + " + BUS_PORT_OFFSET + " is free too");
  }

  private static boolean bindable(int port) {
    try {
      new ServerSocket(port, 0, InetAddress.getLoopbackAddress()).close();
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
