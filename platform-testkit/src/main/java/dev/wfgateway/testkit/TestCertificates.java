package dev.wfgateway.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Certificates for TLS tests, made with the {@code openssl} CLI: a CA; a server certificate it
 * signed for CN=localhost (SAN DNS:localhost, IP:127.0.0.1); a client certificate it signed; and
 * an unrelated "rogue" CA with a localhost certificate of its own, for peers that must not be
 * trusted. All PEM files, keys in PKCS#8, valid for two days. Aborts the test (a skip) when
 * openssl is missing.
 *
 * <p>Per test class:
 * {@code @RegisterExtension static final TestCertificates certificates = TestCertificates.perClass();}
 */
public final class TestCertificates extends ClassFixture {
  private static final String DAYS = "2";
  /** Usable by a server and, for mutual TLS between peers such as event-bus nodes, as a client too. */
  private static final String SERVER_EXTENSIONS = "subjectAltName=DNS:localhost,IP:127.0.0.1\n"
      + "extendedKeyUsage=serverAuth,clientAuth\nbasicConstraints=CA:FALSE\n";
  private static final String CLIENT_EXTENSIONS = "extendedKeyUsage=clientAuth\nbasicConstraints=CA:FALSE\n";

  private Path dir;
  private Path openssl;

  private TestCertificates(Path dir) {
    this.dir = dir;
  }

  /** Certificates made before the test class that registers them, in a new temporary directory. */
  public static TestCertificates perClass() {
    return new TestCertificates(null);
  }

  /** Makes the certificates in a new temporary directory. */
  public static TestCertificates create() {
    return opened(new TestCertificates(null));
  }

  /** Makes the certificates in {@code dir}, which is created if need be. */
  public static TestCertificates createIn(Path dir) {
    return opened(new TestCertificates(dir));
  }

  @Override
  void begin() {
    openssl = Executables.require("openssl", "openssl");
    try {
      dir = dir == null ? Files.createTempDirectory("test-certificates") : Files.createDirectories(dir);
      make();
    } catch (IOException e) {
      throw new IllegalStateException("cannot make test certificates in " + dir, e);
    }
  }

  /** Nothing runs: the files stay, as the other fixtures' logs do. */
  @Override
  public void close() {
  }

  private void make() throws IOException {
    authority("ca", "wfgateway test CA");
    signed("server", "localhost", "ca", 2, SERVER_EXTENSIONS);
    signed("client", "wfgateway test client", "ca", 3, CLIENT_EXTENSIONS);
    authority("rogue-ca", "rogue test CA");
    signed("rogue", "localhost", "rogue-ca", 2, SERVER_EXTENSIONS);
  }

  private void authority(String name, String commonName) throws IOException {
    generateKey(name);
    openssl("req", "-x509", "-new", "-key", key(name), "-subj", "/CN=" + commonName, "-days", DAYS,
        "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
        "-out", cert(name));
  }

  private void signed(String name, String commonName, String ca, int serial, String extensions) throws IOException {
    generateKey(name);
    Path request = dir.resolve(name + ".csr");
    Path extensionFile = dir.resolve(name + ".ext");
    Files.writeString(extensionFile, extensions);
    openssl("req", "-new", "-key", key(name), "-subj", "/CN=" + commonName, "-out", request);
    openssl("x509", "-req", "-in", request, "-CA", cert(ca), "-CAkey", key(ca), "-set_serial", serial,
        "-days", DAYS, "-extfile", extensionFile, "-out", cert(name));
  }

  /** genpkey writes PKCS#8 whatever the openssl version. */
  private void generateKey(String name) throws IOException {
    openssl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", key(name));
  }

  private Path cert(String name) {
    return dir.resolve(name + ".pem");
  }

  private Path key(String name) {
    return dir.resolve(name + "-key.pem");
  }

  private void openssl(Object... args) throws IOException {
    List<String> command = new ArrayList<>(List.of(openssl.toString()));
    for (Object arg : args) {
      command.add(arg.toString());
    }
    Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (process.waitFor() != 0) {
        throw new IOException(String.join(" ", command) + " failed:\n" + output);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }

  public Path dir() {
    return dir;
  }

  public Path caCert() {
    return cert("ca");
  }

  public Path caKey() {
    return key("ca");
  }

  public Path serverCert() {
    return cert("server");
  }

  public Path serverKey() {
    return key("server");
  }

  public Path clientCert() {
    return cert("client");
  }

  public Path clientKey() {
    return key("client");
  }

  /** A CA that signed none of the above. */
  public Path rogueCaCert() {
    return cert("rogue-ca");
  }

  /** A localhost certificate (same SAN as the server's) signed by the rogue CA. */
  public Path rogueCert() {
    return cert("rogue");
  }

  public Path rogueKey() {
    return key("rogue");
  }
}
