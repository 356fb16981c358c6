package dev.wfgateway.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wfgateway.testkit.NodeProcess;
import dev.wfgateway.testkit.RedisFixture;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real JVMs on a loopback Hazelcast cluster: a gateway-only node runs its workflows on another node. */
class ClusterIT {
  /** The packaged jar the nodes run (the ITs run after the package phase). */
  static final Path PLATFORM_JAR = Path.of("target", "platform.jar");

  private static final Duration START = Duration.ofSeconds(60);
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @TempDir
  Path dir;

  private Map<String, String> clusterEnv(int portA, int portB) {
    Map<String, String> env = new HashMap<>();
    env.put("CLUSTER_NAME", "it-" + UUID.randomUUID());
    env.put("CLUSTER_MEMBERS", "127.0.0.1:" + portA + ",127.0.0.1:" + portB);
    env.put("DLQ_JOURNAL_DIR", dir.resolve("dlq").toString());
    env.put("RUNS_JOURNAL_DIR", dir.resolve("runs").toString());
    return env;
  }

  private HttpResponse<String> submit(int httpPort, String workflow, String input) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/v1/workflows/"
            + workflow + "/runs"))
        .header("Authorization", "Bearer " + DemoContent.API_KEY).header("Content-Type", "application/json")
        .timeout(Duration.ofSeconds(30))
        .POST(HttpRequest.BodyPublishers.ofString("{\"input\":" + input + "}")).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aGatewayOnlyNodeRunsWorkflowsOnAnotherNode() throws Exception {
    int portA = RedisFixture.freePort();
    int portB = RedisFixture.freePort();
    int httpPort = RedisFixture.freePort();
    Map<String, String> env = clusterEnv(portA, portB);
    Map<String, String> envA = new HashMap<>(env);
    envA.put("CLUSTER_PORT", String.valueOf(portA));
    envA.put("HTTP_PORT", String.valueOf(httpPort));
    Map<String, String> envB = new HashMap<>(env);
    envB.put("CLUSTER_PORT", String.valueOf(portB));

    try (NodeProcess workers = NodeProcess.fromJar(PLATFORM_JAR, "workers", dir, envB, "--cluster", "--verticles", "ratelimit,workflow,dlq");
         NodeProcess gateway = NodeProcess.fromJar(PLATFORM_JAR, "gateway", dir, envA, "--cluster", "--verticles", "gateway")) {
      gateway.awaitOutput("a two-member cluster", Pattern.compile("Members \\{size:2"), START);
      gateway.awaitOutput("start", Pattern.compile("platform node started: verticles \\[gateway\\]"), START);
      workers.awaitOutput("start", Pattern.compile("platform node started: verticles \\[ratelimit,workflow,dlq\\]"),
          START);

      HttpResponse<String> hello = submit(httpPort, DemoContent.HELLO, "{\"name\":\"Ada\"}");
      assertThat(hello.statusCode()).as(hello.body()).isEqualTo(200);
      assertThat(hello.body()).contains("\"status\":\"succeeded\"").contains("Hello, Ada!");

      HttpResponse<String> flaky = submit(httpPort, DemoContent.FLAKY, "{\"orderId\":\"o-1\"}");
      assertThat(flaky.statusCode()).as(flaky.body()).isEqualTo(502);
      assertThat(flaky.body()).contains("\"dlqId\"");

      // 143 = 128 + SIGTERM: how a JVM reports an exit through its shutdown hooks.
      assertThat(gateway.terminate()).isEqualTo(143);
      assertThat(gateway.output()).contains("shut down cleanly");
      assertThat(workers.terminate()).isEqualTo(143);
      assertThat(workers.output()).contains("shut down cleanly");
    }
  }
}
