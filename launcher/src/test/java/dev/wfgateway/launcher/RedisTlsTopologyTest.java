package dev.wfgateway.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wfgateway.testkit.Await;
import dev.wfgateway.testkit.TlsRedis;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code rediss://} to a real TLS Redis: the configured CA is trusted, the host name checked, another CA refused. */
class RedisTlsTopologyTest {
  @RegisterExtension
  static final TlsRedis redis = TlsRedis.perClass();
  @TempDir
  Path dir;

  private String redisYaml(Path ca) {
    return "{ url: \"" + redis.url() + "\", tls: { caPem: \"" + ca + "\", hostnameVerification: true } }";
  }

  @Test
  void runsOverTlsWhenTheServerChainsToTheConfiguredCa() throws Exception {
    try (TopologyNode node = new TopologyNode(dir, redisYaml(redis.caPem()))) {
      assertThat(node.acceptedRuns(20)).hasSize(20);
      Await.until("ready again", Duration.ofSeconds(10), () -> node.ready() == 200);
    }
  }

  @Test
  void aServerWhoseCertificateAnotherCaSignedIsRefused() throws Exception {
    try (TopologyNode node = new TopologyNode(dir, redisYaml(redis.wrongCaPem()))) {
      assertThat(node.burst(5)).containsOnly(503);
      Await.until("not ready", Duration.ofSeconds(10), () -> node.ready() == 503);
    }
  }
}
