package dev.wfgateway.testkit;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import redis.embedded.core.ExecutableProvider;

/**
 * A real Redis for tests: {@code REDIS_URL} if set (shared, not stoppable), else a
 * {@code redis-server} from the PATH, else the binary shipped in embedded-redis; the last two on
 * a free loopback port, owned by the fixture and stoppable for outage tests.
 *
 * <p>On a shared server each fixture works in a database of its own (1 to 15 in turn, never 0)
 * and {@link #flush} and {@link #close} empty that database only: nothing a developer keeps in
 * the server's other databases is touched.
 *
 * <p>Per test class: {@code @RegisterExtension static final RedisFixture redis = RedisFixture.perClass();}
 * starts it before the class's tests and stops it after them.
 */
public final class RedisFixture extends ClassFixture {
  private static final int SHARED_DATABASES = 15;
  private static final AtomicInteger NEXT_SHARED_DATABASE = new AtomicInteger();

  private String url;
  private int database;
  private Path executable;
  private int port;
  private RedisProcess process;

  private RedisFixture() {
  }

  /** A fixture that starts before the test class that registers it and stops after it. */
  public static RedisFixture perClass() {
    return new RedisFixture();
  }

  public static RedisFixture start() {
    return opened(new RedisFixture());
  }

  @Override
  void begin() {
    String external = System.getenv("REDIS_URL");
    if (external != null && !external.isBlank()) {
      URI server = URI.create(external);
      database = 1 + NEXT_SHARED_DATABASE.getAndIncrement() % SHARED_DATABASES;
      url = server.getScheme() + "://" + server.getRawAuthority() + "/" + database;
      port = server.getPort();
      flush();
      return;
    }
    try {
      executable = Executables.find("redis-server").orElse(null);
      if (executable == null) {
        executable = ExecutableProvider.newJarResourceProvider().get().toPath();
      }
      process = RedisProcess.startOnFreePort(executable, Files.createTempDirectory("redis-fixture"),
          RedisFixture::freePort, RedisFixture::arguments, Resp::loopback);
      port = process.port();
    } catch (IOException e) {
      throw new IllegalStateException("cannot start a Redis server for tests", e);
    }
  }

  private static List<String> arguments(int port) {
    return List.of("--port", String.valueOf(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no");
  }

  public static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 0, InetAddress.getLoopbackAddress())) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The server and, on a shared one, this fixture's database. */
  public String url() {
    return url != null ? url : "redis://127.0.0.1:" + port;
  }

  /** Empties this fixture's database (on its own server, the only one used). */
  public void flush() {
    String reply = command("FLUSHDB");
    if (!"+OK".equals(reply)) {
      throw new IllegalStateException("FLUSHDB answered " + reply);
    }
  }

  /** True when the fixture owns the server, so a test may stop and restart it. */
  public boolean controllable() {
    return executable != null;
  }

  public synchronized void stopServer() {
    requireControllable();
    if (process != null) {
      process.stop();
      process = null;
    }
  }

  /** Starts the server again on the same port, empty. */
  public synchronized void startServer() throws IOException {
    requireControllable();
    process = RedisProcess.start(executable, Files.createTempDirectory("redis-fixture"), port, arguments(port),
        Resp.loopback(port));
  }

  /**
   * Sends one inline command to this fixture's database over a plain socket and returns the first
   * reply line, or null when the server does not answer. For test set-up and assertions, never for
   * code under test.
   */
  public String command(String inline) {
    URI uri = URI.create(url());
    return Resp.at(uri.getHost(), uri.getPort()).firstLine(database, inline);
  }

  private void requireControllable() {
    if (!controllable()) {
      throw new IllegalStateException("REDIS_URL points at a shared server; it cannot be stopped by tests");
    }
  }

  @Override
  public void close() {
    if (controllable()) {
      stopServer();
    } else {
      flush();
    }
  }
}
