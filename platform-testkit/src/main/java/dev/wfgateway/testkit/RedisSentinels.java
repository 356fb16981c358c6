package dev.wfgateway.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Redis with Sentinel for tests: a master and one replica ({@code redis-server}) and three
 * {@code redis-sentinel}s watching the master under one name ("prod" unless given), quorum 2,
 * down after 1 s, failover timeout 3 s, all on free loopback ports without persistence. Ready when
 * every sentinel knows the master, its replica and the other two sentinels.
 *
 * <p>A test kills the master with {@link #killMaster} and waits with {@link #awaitFailover} until
 * every sentinel names the promoted replica. There is one replica, so one failover per fixture.
 * Aborts the test (a skip) when redis-server or redis-sentinel is missing.
 *
 * <p>Per test class: {@code @RegisterExtension static final RedisSentinels sentinels = RedisSentinels.perClass();}
 */
public final class RedisSentinels extends ClassFixture {
  private static final int SENTINELS = 3;
  private static final int QUORUM = 2;
  private static final Duration READY_DEADLINE = Duration.ofSeconds(30);

  private final String masterName;
  /** Master and replica by port, whichever is which now. */
  private final Map<Integer, RedisProcess> servers = new LinkedHashMap<>();
  private final List<RedisProcess> sentinels = new ArrayList<>();
  private int killedMasterPort;

  private RedisSentinels(String masterName) {
    this.masterName = masterName;
  }

  /** A fixture that starts before the test class that registers it and stops after it. */
  public static RedisSentinels perClass() {
    return perClass("prod");
  }

  public static RedisSentinels perClass(String masterName) {
    return new RedisSentinels(masterName);
  }

  public static RedisSentinels start() {
    return start("prod");
  }

  public static RedisSentinels start(String masterName) {
    return opened(new RedisSentinels(masterName));
  }

  @Override
  void begin() {
    Path server = Executables.require("redis-server", "redis-server");
    Path sentinel = Executables.require("redis-sentinel", "redis-sentinel");
    try {
      Path root = Files.createTempDirectory("redis-sentinels");
      RedisProcess master = startServer(server, root.resolve("master"), List.of());
      RedisProcess replica = startServer(server, root.resolve("replica"),
          List.of("--replicaof", "127.0.0.1", String.valueOf(master.port())));
      Poll.until("the replica's link to its master", READY_DEADLINE,
          () -> "up".equals(info(replica, "replication", "master_link_status")) ? true : null,
          replica::output);
      for (int i = 0; i < SENTINELS; i++) {
        sentinels.add(startSentinel(sentinel, root.resolve("sentinel-" + i), master.port()));
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot start Redis with Sentinel for tests", e);
    }
    Poll.until("every sentinel to know the master, its replica and the other sentinels", READY_DEADLINE,
        () -> sentinels.stream().allMatch(this::knowsEveryone) ? true : null, this::describe);
  }

  private RedisProcess startServer(Path executable, Path dir, List<String> extra) throws IOException {
    RedisProcess process = RedisProcess.startOnFreePort(executable, dir, RedisFixture::freePort,
        port -> Stream.concat(Stream.of("--port", String.valueOf(port), "--bind", "127.0.0.1", "--save", "",
            "--appendonly", "no", "--repl-diskless-sync-delay", "0"), extra.stream()).collect(Collectors.toList()),
        Resp::loopback);
    servers.put(process.port(), process);
    return process;
  }

  private RedisProcess startSentinel(Path executable, Path dir, int masterPort) throws IOException {
    Files.createDirectories(dir);
    // A sentinel rewrites its configuration file with what it learns, so each has its own.
    Path config = dir.resolve("sentinel.conf");
    Files.writeString(config, String.join("\n",
        "sentinel monitor " + masterName + " 127.0.0.1 " + masterPort + " " + QUORUM,
        "sentinel down-after-milliseconds " + masterName + " 1000",
        "sentinel failover-timeout " + masterName + " 3000",
        ""));
    return RedisProcess.startOnFreePort(executable, dir, RedisFixture::freePort,
        port -> List.of(config.toString(), "--port", String.valueOf(port), "--bind", "127.0.0.1"), Resp::loopback);
  }

  private boolean knowsEveryone(RedisProcess sentinel) {
    try {
      Resp resp = Resp.loopback(sentinel.port());
      Map<String, String> master = pairs(resp.call("SENTINEL", "MASTER", masterName));
      return "master".equals(master.get("flags"))
          && flags(resp.call("SENTINEL", "REPLICAS", masterName)).equals(List.of("slave"))
          && flags(resp.call("SENTINEL", "SENTINELS", masterName)).equals(List.of("sentinel", "sentinel"));
    } catch (IOException e) {
      return false;
    }
  }

  /** {@code redis://127.0.0.1:<port>} of each sentinel. */
  public List<String> endpoints() {
    return sentinels.stream().map(s -> "redis://127.0.0.1:" + s.port()).collect(Collectors.toList());
  }

  public String masterName() {
    return masterName;
  }

  /** The master's port, as the first sentinel that answers names it. */
  public int masterPort() {
    return sentinels.stream().map(this::masterPortNamedBy).filter(Objects::nonNull).findFirst()
        .orElseThrow(() -> new IllegalStateException("no sentinel names a master: " + describe()));
  }

  /** SIGKILL to the current master; returns its port. */
  public int killMaster() {
    killedMasterPort = masterPort();
    servers.get(killedMasterPort).kill();
    return killedMasterPort;
  }

  /**
   * Waits until every sentinel names a master other than the one {@link #killMaster} killed, and
   * that server says it is a master; returns its port.
   */
  public int awaitFailover(Duration timeout) {
    if (killedMasterPort == 0) {
      throw new IllegalStateException("no master was killed");
    }
    return Poll.until("the sentinels to promote the replica of " + killedMasterPort, timeout, () -> {
      List<Integer> named = sentinels.stream().map(this::masterPortNamedBy).distinct().collect(Collectors.toList());
      if (named.size() != 1 || named.get(0) == null || named.get(0) == killedMasterPort) {
        return null;
      }
      return "master".equals(info(servers.get(named.get(0)), "replication", "role")) ? named.get(0) : null;
    }, this::describe);
  }

  private Integer masterPortNamedBy(RedisProcess sentinel) {
    try {
      List<?> address = (List<?>) Resp.loopback(sentinel.port())
          .call("SENTINEL", "GET-MASTER-ADDR-BY-NAME", masterName);
      return address == null ? null : Integer.valueOf((String) address.get(1));
    } catch (IOException e) {
      return null;
    }
  }

  /** One field of INFO {@code section}, or null when the server does not answer. */
  private static String info(RedisProcess server, String section, String name) {
    try {
      return Resp.loopback(server.port()).fields("INFO", section).get(name);
    } catch (IOException e) {
      return null;
    }
  }

  /** A RESP2 flat list of names and values ({@code SENTINEL MASTER}) as a map. */
  private static Map<String, String> pairs(Object reply) {
    List<?> list = (List<?>) reply;
    Map<String, String> pairs = new HashMap<>();
    for (int i = 0; i + 1 < list.size(); i += 2) {
      pairs.put((String) list.get(i), (String) list.get(i + 1));
    }
    return pairs;
  }

  /** The flags of each entry of a {@code SENTINEL REPLICAS} or {@code SENTINEL SENTINELS} reply. */
  private static List<String> flags(Object reply) {
    return ((List<?>) reply).stream().map(entry -> pairs(entry).get("flags")).collect(Collectors.toList());
  }

  /** What each sentinel thinks of the master, for a timeout's message. */
  private String describe() {
    return sentinels.stream().map(s -> {
      try {
        return "sentinel " + s.port() + ": " + pairs(Resp.loopback(s.port()).call("SENTINEL", "MASTER", masterName));
      } catch (IOException e) {
        return "sentinel " + s.port() + ": no answer (" + e.getMessage() + ")";
      }
    }).collect(Collectors.joining("\n"));
  }

  @Override
  public void close() {
    sentinels.forEach(RedisProcess::kill);
    servers.values().forEach(RedisProcess::kill);
    sentinels.clear();
    servers.clear();
  }
}
