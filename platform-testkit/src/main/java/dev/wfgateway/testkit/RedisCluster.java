package dev.wfgateway.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A real Redis Cluster for tests: six {@code redis-server} processes on free loopback ports,
 * three masters with one replica each, no persistence, a short {@code cluster-node-timeout}
 * (2 s unless given) so that a failover takes seconds. It is ready, after start and after
 * {@link #restart}, when every running node says {@code cluster_state:ok}, all agree who serves
 * which slots and who replicates whom, and every replica of a running master has its link up.
 *
 * <p>Tests can {@link #kill}, {@link #pause}, {@link #resume} and {@link #restart} a node, and wait
 * for a key's slot to move to another master with {@link #awaitMasterOfKeyChanged}. Aborts the
 * test (a skip) when redis-server is missing.
 *
 * <p>Per test class: {@code @RegisterExtension static final RedisCluster cluster = RedisCluster.perClass();}
 */
public final class RedisCluster extends ClassFixture {
  private static final int MASTERS = 3;
  private static final int SIZE = 2 * MASTERS;
  private static final int SLOTS = 16384;
  private static final Duration DEFAULT_NODE_TIMEOUT = Duration.ofMillis(2000);
  private static final Duration READY_DEADLINE = Duration.ofSeconds(30);

  public enum Role { MASTER, REPLICA }

  /** A node as the cluster saw it when this was made: roles change with failovers, pids with restarts. */
  public record Node(int port, Role role, long pid) {
    public String endpoint() {
      return "redis://127.0.0.1:" + port;
    }
  }

  private final Duration nodeTimeout;
  private final List<ClusterMember> members = new ArrayList<>();
  private Path root;

  private RedisCluster(Duration nodeTimeout) {
    this.nodeTimeout = nodeTimeout;
  }

  /** A fixture that starts before the test class that registers it and stops after it. */
  public static RedisCluster perClass() {
    return perClass(DEFAULT_NODE_TIMEOUT);
  }

  public static RedisCluster perClass(Duration nodeTimeout) {
    return new RedisCluster(nodeTimeout);
  }

  public static RedisCluster start() {
    return start(DEFAULT_NODE_TIMEOUT);
  }

  public static RedisCluster start(Duration nodeTimeout) {
    return opened(new RedisCluster(nodeTimeout));
  }

  @Override
  void begin() {
    Path executable = Executables.require("redis-server", "redis-server");
    try {
      root = Files.createTempDirectory("redis-cluster");
      for (int i = 0; i < SIZE; i++) {
        members.add(ClusterMember.start(executable, root.resolve("node-" + i), this::arguments));
      }
      form();
    } catch (IOException e) {
      throw new IllegalStateException("cannot start a Redis Cluster for tests", e);
    }
    awaitReady(READY_DEADLINE);
  }

  private List<String> arguments(int port) {
    return List.of("--port", String.valueOf(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
        "--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
        "--cluster-node-timeout", String.valueOf(nodeTimeout.toMillis()),
        // A replica's first sync would otherwise wait 5 s for more replicas to share it.
        "--repl-diskless-sync-delay", "0");
  }

  /** The first three nodes share the slots; each other node meets the first, then replicates one master. */
  private void form() throws IOException {
    for (int i = 0; i < MASTERS; i++) {
      members.get(i).resp().call("CLUSTER", "ADDSLOTSRANGE",
          String.valueOf(i * SLOTS / MASTERS), String.valueOf((i + 1) * SLOTS / MASTERS - 1));
    }
    for (ClusterMember member : members.subList(1, SIZE)) {
      member.resp().call("CLUSTER", "MEET", "127.0.0.1", String.valueOf(members.get(0).port()));
    }
    Poll.until("every node to know the other " + (SIZE - 1), READY_DEADLINE,
        () -> members.stream().allMatch(m -> m.view().filter(v -> v.complete(SIZE)).isPresent()) ? true : null,
        this::describe);
    for (int i = MASTERS; i < SIZE; i++) {
      String masterId = members.get(i - MASTERS).resp().text("CLUSTER", "MYID");
      members.get(i).resp().call("CLUSTER", "REPLICATE", masterId);
    }
  }

  /** Waits until the running nodes are ready, as the class comment says. */
  public void awaitReady(Duration timeout) {
    Poll.until("the cluster to be ready", timeout, () -> readyView().orElse(null), this::describe);
  }

  /**
   * Waits until a node other than {@code previous} serves {@code key}'s slot and the cluster is
   * ready, and returns that node.
   */
  public Node awaitMasterOfKeyChanged(String key, Node previous, Duration timeout) {
    int slot = slotOf(key);
    ClusterView view = Poll.until("a master other than " + previous.port() + " for " + key + " (slot " + slot + ")",
        timeout, () -> readyView().filter(v -> v.masterOf(slot).filter(m -> m.port() != previous.port()).isPresent())
            .orElse(null),
        this::describe);
    return node(view, view.masterOf(slot).orElseThrow());
  }

  /** {@code redis://127.0.0.1:<port>} of every node, running or not: seeds for a cluster client. */
  public List<String> endpoints() {
    return members.stream().map(m -> "redis://127.0.0.1:" + m.port()).collect(Collectors.toList());
  }

  /** The running nodes (paused ones too), with the roles the cluster gives them now. */
  public List<Node> nodes() {
    ClusterView view = anyView();
    return members.stream().filter(ClusterMember::alive)
        .map(m -> node(view, view.byPort(m.port()).orElseThrow())).collect(Collectors.toList());
  }

  /** The master that serves {@code key}'s slot (hash tags count), as a running node sees it now. */
  public Node masterForKey(String key) {
    ClusterView view = anyView();
    int slot = slotOf(key);
    return node(view, view.masterOf(slot)
        .orElseThrow(() -> new IllegalStateException("no master serves slot " + slot + ": " + view.layout())));
  }

  public Node replicaOf(Node master) {
    ClusterView view = anyView();
    ClusterView.Entry entry = view.byPort(master.port()).orElseThrow();
    return node(view, view.replicaOf(entry)
        .orElseThrow(() -> new IllegalStateException(master.port() + " has no replica: " + view.layout())));
  }

  /** One command to {@code node}; the first reply line as sent, or null when it does not answer. */
  public String command(Node node, String... args) {
    return RedisCommands.send(node.port(), args);
  }

  /** SIGKILL: the node dies at once, without a word to the others. */
  public void kill(Node node) {
    member(node).kill();
  }

  /** SIGSTOP: the node keeps its sockets but answers nothing, as a hung process or a long GC pause. */
  public void pause(Node node) {
    member(node).pause();
  }

  /** SIGCONT after {@link #pause}; returns at once (see {@link #awaitReady}). */
  public void resume(Node node) {
    member(node).resume();
  }

  /**
   * Starts a killed node again on its port and with its nodes.conf, so that it rejoins as the
   * same node (as a replica, if its slots moved meanwhile); returns when the cluster is ready.
   */
  public void restart(Node node) {
    try {
      member(node).restart();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    awaitReady(READY_DEADLINE);
  }

  public long nodeTimeoutMillis() {
    return nodeTimeout.toMillis();
  }

  @Override
  public void close() {
    members.forEach(ClusterMember::kill);
    members.clear();
  }

  /**
   * The view of the cluster that every answering node shares when the cluster is ready, else
   * empty.
   */
  private Optional<ClusterView> readyView() {
    ClusterView agreed = null;
    try {
      for (ClusterMember member : answering()) {
        if (!"ok".equals(member.resp().fields("CLUSTER", "INFO").get("cluster_state"))) {
          return Optional.empty();
        }
        ClusterView view = ClusterView.parse(member.resp().text("CLUSTER", "NODES"));
        if (!view.complete(SIZE) || agreed != null && !agreed.layout().equals(view.layout())) {
          return Optional.empty();
        }
        agreed = view;
      }
      for (ClusterMember member : answering()) {
        if (replicaOfAnsweringMaster(agreed, member)
            && !"up".equals(member.resp().fields("INFO", "replication").get("master_link_status"))) {
          return Optional.empty();
        }
      }
    } catch (IOException e) {
      return Optional.empty();
    }
    return Optional.ofNullable(agreed);
  }

  private boolean replicaOfAnsweringMaster(ClusterView view, ClusterMember member) {
    ClusterView.Entry entry = view.byPort(member.port()).orElseThrow();
    return !entry.master() && view.masterOf(entry).map(m -> member(m.port()).answering()).orElse(false);
  }

  private int slotOf(String key) {
    for (ClusterMember member : answering()) {
      try {
        return Math.toIntExact((Long) member.resp().call("CLUSTER", "KEYSLOT", key));
      } catch (IOException e) {
        // the next node may answer
      }
    }
    throw new IllegalStateException("no cluster node answers: " + describe());
  }

  private ClusterView anyView() {
    return answering().stream().map(ClusterMember::view).flatMap(Optional::stream).findFirst()
        .orElseThrow(() -> new IllegalStateException("no cluster node answers: " + describe()));
  }

  private Node node(ClusterView view, ClusterView.Entry entry) {
    return new Node(entry.port(), entry.master() ? Role.MASTER : Role.REPLICA, member(entry.port()).pid());
  }

  /** Each node's state and view, for a timeout's message. */
  private String describe() {
    return members.stream().map(ClusterMember::describe)
        .collect(Collectors.joining("\n", "nodes (logs in " + root + "):\n", ""));
  }

  private List<ClusterMember> answering() {
    return members.stream().filter(ClusterMember::answering).collect(Collectors.toList());
  }

  private ClusterMember member(Node node) {
    return member(node.port());
  }

  private ClusterMember member(int port) {
    return members.stream().filter(m -> m.port() == port).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no node of this cluster on port " + port));
  }
}
