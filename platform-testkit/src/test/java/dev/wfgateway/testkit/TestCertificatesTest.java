package dev.wfgateway.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Vertx;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.junit5.VertxExtension;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.SignatureException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;
import javax.net.ssl.X509KeyManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

@ExtendWith(VertxExtension.class)
class TestCertificatesTest {
  private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
  private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
  private static final int DNS_NAME = 2;
  private static final int IP_ADDRESS = 7;

  @RegisterExtension
  static final TestCertificates certificates = TestCertificates.perClass();

  @Test
  void theServerCertificateIsForLocalhostAndSignedByTheCa() throws Exception {
    X509Certificate server = load(certificates.serverCert());

    server.verify(load(certificates.caCert()).getPublicKey());
    assertThat(server.getSubjectX500Principal().getName()).isEqualTo("CN=localhost");
    assertThat(server.getSubjectAlternativeNames())
        .contains(List.of(DNS_NAME, "localhost"), List.of(IP_ADDRESS, "127.0.0.1"));
    assertThat(server.getExtendedKeyUsage()).containsExactlyInAnyOrder(SERVER_AUTH, CLIENT_AUTH);
  }

  @Test
  void theClientCertificateIsSignedByTheSameCa() throws Exception {
    X509Certificate client = load(certificates.clientCert());

    client.verify(load(certificates.caCert()).getPublicKey());
    assertThat(client.getExtendedKeyUsage()).containsExactly(CLIENT_AUTH);
  }

  @Test
  void theRogueCertificateIsSignedByTheRogueCaOnly() throws Exception {
    X509Certificate rogue = load(certificates.rogueCert());

    rogue.verify(load(certificates.rogueCaCert()).getPublicKey());
    assertThatThrownBy(() -> rogue.verify(load(certificates.caCert()).getPublicKey()))
        .isInstanceOf(SignatureException.class);
  }

  @Test
  void keysArePkcs8AndVertxLoadsThemWithTheirCertificates(Vertx vertx) throws Exception {
    for (Path key : List.of(certificates.caKey(), certificates.serverKey(), certificates.clientKey(),
        certificates.rogueKey())) {
      assertThat(Files.readString(key)).startsWith("-----BEGIN PRIVATE KEY-----");
    }
    assertThat(presented(vertx, certificates.serverCert(), certificates.serverKey()))
        .isEqualTo(load(certificates.serverCert()));
    assertThat(presented(vertx, certificates.clientCert(), certificates.clientKey()))
        .isEqualTo(load(certificates.clientCert()));
  }

  /**
   * The certificate a Vert.x TLS endpoint configured with {@code cert} and {@code key} presents,
   * once its key is shown to be that certificate's (a signature by the one verifies with the other).
   */
  private static X509Certificate presented(Vertx vertx, Path cert, Path key) throws Exception {
    X509KeyManager keys = (X509KeyManager) new PemKeyCertOptions().setCertPath(cert.toString())
        .setKeyPath(key.toString()).getKeyManagerFactory(vertx).getKeyManagers()[0];
    String alias = Stream.of("RSA", "EC").map(type -> keys.getServerAliases(type, null)).filter(Objects::nonNull)
        .flatMap(Stream::of).findFirst().orElseThrow();
    X509Certificate presented = keys.getCertificateChain(alias)[0];
    PrivateKey privateKey = keys.getPrivateKey(alias);
    String algorithm = "SHA256with" + ("EC".equals(privateKey.getAlgorithm()) ? "ECDSA" : privateKey.getAlgorithm());
    byte[] data = "proof of possession".getBytes(StandardCharsets.UTF_8);
    Signature signer = Signature.getInstance(algorithm);
    signer.initSign(privateKey);
    signer.update(data);
    byte[] signature = signer.sign();
    Signature verifier = Signature.getInstance(algorithm);
    verifier.initVerify(presented.getPublicKey());
    verifier.update(data);
    assertThat(verifier.verify(signature)).as(key + " is the key of " + cert).isTrue();
    return presented;
  }

  private static X509Certificate load(Path pem) throws Exception {
    try (InputStream in = Files.newInputStream(pem)) {
      return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
  }
}
