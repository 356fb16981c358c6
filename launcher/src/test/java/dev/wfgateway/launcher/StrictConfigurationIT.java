package dev.wfgateway.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wfgateway.testkit.NodeProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The packaged jar with a misspelt key: the node does not start, exits 1 and names the key's path. */
class StrictConfigurationIT {
  @TempDir
  Path dir;

  @Test
  void anUnknownKeyStopsTheNodeWithExitCodeOneAndItsPath() throws Exception {
    Path conf = dir.resolve("platform.yaml");
    Files.writeString(conf, StartupValidationTest.MISSPELT);
    try (NodeProcess node = NodeProcess.fromJar(ClusterIT.PLATFORM_JAR, "misspelt", dir,
        Map.of("HTTP_PORT", "0", "DLQ_JOURNAL_DIR", dir.resolve("dlq").toString()), "--conf", conf.toString())) {
      assertThat(node.awaitExit(Duration.ofSeconds(60))).isEqualTo(1);
      assertThat(node.output()).contains("redis.masterNam: unknown key").contains("tracing: unknown key")
          .doesNotContain("platform node started");
    }
  }
}
