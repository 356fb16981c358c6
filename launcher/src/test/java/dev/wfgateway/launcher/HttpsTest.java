package dev.wfgateway.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wfgateway.testkit.Await;
import dev.wfgateway.testkit.TestCertificates;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code http.tls}: the gateway serves HTTPS on its port with the configured certificate, and only HTTPS. */
class HttpsTest {
  @TempDir
  Path dir;

  @Test
  void servesHttpsWithTheConfiguredCertificateAndNothingElse() throws Exception {
    TestCertificates certs = TestCertificates.createIn(dir.resolve("certs"));
    Path conf = dir.resolve("platform.yaml");
    Files.writeString(conf, "http: { tls: { certPem: \"" + certs.serverCert() + "\", keyPem: \"" + certs.serverKey()
        + "\" } }\nreload: { interval: 0s }\n");
    try (RunningPlatform node = RunningPlatform.started(dir, Map.of(), conf.toString())) {
      WebClient trusting = WebClient.create(node.vertx, new WebClientOptions().setSsl(true)
          .setTrustOptions(new PemTrustOptions().addCertPath(certs.caCert().toString())));
      WebClient trustingAnother = WebClient.create(node.vertx, new WebClientOptions().setSsl(true)
          .setTrustOptions(new PemTrustOptions().addCertPath(certs.rogueCaCert().toString())));
      int port = node.platform.httpPort();

      HttpResponse<Buffer> live = Await.result(trusting.request(HttpMethod.GET, port, "localhost", "/health/live").send());
      assertThat(live.statusCode()).isEqualTo(200);
      HttpResponse<Buffer> run = Await.result(trusting.request(HttpMethod.POST, port, "localhost",
              "/v1/workflows/" + DemoContent.HELLO + "/runs")
          .putHeader("Authorization", "Bearer " + DemoContent.API_KEY).putHeader("Content-Type", "application/json")
          .sendBuffer(Buffer.buffer("{\"input\":{\"name\":\"Ada\"}}")));
      assertThat(run.statusCode()).isEqualTo(200);

      assertThat(Await.failure(trustingAnother.request(HttpMethod.GET, port, "localhost", "/health/live").send()))
          .as("a client trusting another CA").isInstanceOf(SSLHandshakeException.class);
      assertThat(Await.failure(node.request(HttpMethod.GET, "/health/live").timeout(5_000).send()))
          .as("plain HTTP on the HTTPS port").isInstanceOf(HttpClosedException.class);
    }
  }
}
