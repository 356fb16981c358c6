package dev.wfgateway.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;

/**
 * A {@code redis-server} that speaks only TLS, on a free loopback port, with a server certificate
 * for localhost from {@link TestCertificates}; clients need no certificate of their own. Gives
 * {@link #url()} and both the CA that signed the server's certificate and one that did not.
 * Aborts the test (a skip) when redis-server or openssl is missing or redis-server has no TLS.
 */
public final class TlsRedis extends ClassFixture {
  /**
   * Without TLS, Redis 7.0 rejects the tls-* options as unknown; 7.2 and later accept them and then
   * find no TLS listener.
   */
  private static final Pattern NO_TLS = Pattern.compile("'tls-[^\\n]*\\n[^\\n]*Bad directive"
      + "|connection listener of tls");

  private TestCertificates certificates;
  private RedisProcess server;

  private TlsRedis() {
  }

  /** A fixture that starts before the test class that registers it and stops after it. */
  public static TlsRedis perClass() {
    return new TlsRedis();
  }

  public static TlsRedis start() {
    return opened(new TlsRedis());
  }

  @Override
  void begin() {
    Path executable = Executables.require("redis-server", "redis-server");
    try {
      Path dir = Files.createTempDirectory("tls-redis");
      certificates = TestCertificates.createIn(dir.resolve("certs"));
      server = RedisProcess.startOnFreePort(executable, dir, RedisFixture::freePort, this::arguments,
          port -> Resp.tls(port, certificates.caCert()));
    } catch (RedisProcess.ExitedAtStart e) {
      if (NO_TLS.matcher(e.output()).find()) {
        Assumptions.abort("needs a redis-server built with TLS (Debian package redis-server)");
      }
      throw e;
    } catch (IOException e) {
      throw new IllegalStateException("cannot start a TLS Redis server for tests", e);
    }
  }

  private List<String> arguments(int port) {
    // "-::1" binds IPv6 loopback too where there is one, as a client may resolve localhost to it.
    return List.of("--port", "0", "--tls-port", String.valueOf(port), "--bind", "127.0.0.1", "-::1",
        "--tls-cert-file", certificates.serverCert().toString(),
        "--tls-key-file", certificates.serverKey().toString(),
        "--tls-ca-cert-file", certificates.caCert().toString(),
        "--tls-auth-clients", "no",
        "--save", "", "--appendonly", "no");
  }

  /** {@code rediss://localhost:<port>}: the host name the server's certificate is for. */
  public String url() {
    return "rediss://localhost:" + port();
  }

  public int port() {
    return server.port();
  }

  /** The CA that signed the server's certificate: trust this and the handshake succeeds. */
  public Path caPem() {
    return certificates.caCert();
  }

  /** A CA that did not sign the server's certificate: trust only this and the handshake fails. */
  public Path wrongCaPem() {
    return certificates.rogueCaCert();
  }

  public TestCertificates certificates() {
    return certificates;
  }

  @Override
  public void close() {
    if (server != null) {
      server.stop();
      server = null;
    }
  }
}
