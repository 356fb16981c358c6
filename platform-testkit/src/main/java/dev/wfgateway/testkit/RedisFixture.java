package dev.wfgateway.testkit;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import redis.embedded.core.ExecutableProvider;

/**
 * A real Redis for tests: {@code REDIS_URL} if set (shared, not stoppable), else a
 * {@code redis-server} from the PATH, else the binary shipped in embedded-redis; the last two on
 * a free loopback port, owned by the fixture and stoppable for outage tests.
 *
 * <p>Per test class: {@code @RegisterExtension static final RedisFixture redis = RedisFixture.perClass();}
 * starts it before the class's tests and stops it after them.
 */
public final class RedisFixture implements AutoCloseable, BeforeAllCallback, AfterAllCallback {
  private static final Duration START_DEADLINE = Duration.ofSeconds(15);

  private String url;
  private File executable;
  private int port;
  private Process process;

  private RedisFixture() {
  }

  /** A fixture that starts before the test class that registers it and stops after it. */
  public static RedisFixture perClass() {
    return new RedisFixture();
  }

  public static RedisFixture start() {
    RedisFixture fixture = new RedisFixture();
    fixture.begin();
    return fixture;
  }

  private void begin() {
    String external = System.getenv("REDIS_URL");
    if (external != null && !external.isBlank()) {
      url = external;
      port = URI.create(external).getPort();
      return;
    }
    try {
      executable = findExecutable();
      port = freePort();
      startServer();
    } catch (IOException e) {
      throw new IllegalStateException("cannot start a Redis server for tests", e);
    }
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    begin();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    close();
  }

  private static File findExecutable() throws IOException {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      File candidate = new File(dir, "redis-server");
      if (candidate.canExecute()) {
        return candidate;
      }
    }
    return ExecutableProvider.newJarResourceProvider().get();
  }

  public static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 0, java.net.InetAddress.getLoopbackAddress())) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  public String url() {
    return url != null ? url : "redis://127.0.0.1:" + port;
  }

  /** True when the fixture owns the server, so a test may stop and restart it. */
  public boolean controllable() {
    return executable != null;
  }

  public synchronized void stopServer() {
    requireControllable();
    if (process != null) {
      process.destroy();
      try {
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      process = null;
    }
  }

  public synchronized void startServer() throws IOException {
    requireControllable();
    Path dir = Files.createTempDirectory("redis-fixture");
    process = new ProcessBuilder(List.of(executable.getAbsolutePath(), "--port", String.valueOf(port),
        "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir.toString()))
        .redirectErrorStream(true)
        .redirectOutput(dir.resolve("redis.log").toFile())
        .start();
    long deadline = System.nanoTime() + START_DEADLINE.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IOException("redis-server exited at start: " + Files.readString(dir.resolve("redis.log")));
      }
      if ("+PONG".equals(command("PING"))) {
        return;
      }
      try {
        Thread.sleep(20); // polling a child process for readiness, on the JUnit thread
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException(e);
      }
    }
    throw new IOException("redis-server did not answer PING within " + START_DEADLINE);
  }

  /**
   * Sends one inline command over a plain socket and returns the first reply line, or null when
   * the server does not answer. For test set-up and assertions, never for code under test.
   */
  public String command(String inline) {
    URI uri = URI.create(url());
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 500);
      socket.setSoTimeout(2000);
      OutputStream out = socket.getOutputStream();
      out.write((inline + "\r\n").getBytes(StandardCharsets.UTF_8));
      out.flush();
      InputStream in = socket.getInputStream();
      StringBuilder line = new StringBuilder();
      int c;
      while ((c = in.read()) != -1 && c != '\n') {
        if (c != '\r') {
          line.append((char) c);
        }
      }
      return line.toString();
    } catch (IOException e) {
      return null;
    }
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
      command("FLUSHALL");
    }
  }
}
