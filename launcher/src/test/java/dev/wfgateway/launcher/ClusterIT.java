package dev.wfgateway.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wfgateway.testkit.NodeProcess;
import dev.wfgateway.testkit.RedisFixture;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
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

  /**
   * A fresh cluster's name and its members' cluster ports, one per node, each found free before
   * its node binds it. Should another process take one in between, Hazelcast binds the next port
   * up instead (auto-increment in cluster.xml) and the node still meets the others: it joins
   * through their listed ports, or, if it was up first, they merge with it seconds later.
   */
  static Map<String, String> clusterEnv(int... clusterPorts) {
    return new HashMap<>(Map.of("CLUSTER_NAME", "it-" + UUID.randomUUID(), "CLUSTER_MEMBERS",
        Arrays.stream(clusterPorts).mapToObj(port -> "127.0.0.1:" + port).collect(Collectors.joining(","))));
  }

  /** {@code env} with this node's cluster port, and a gateway on a port the OS picks. */
  static Map<String, String> nodeEnv(Map<String, String> env, int clusterPort) {
    Map<String, String> nodeEnv = new HashMap<>(env);
    nodeEnv.put("CLUSTER_PORT", String.valueOf(clusterPort));
    nodeEnv.put("HTTP_PORT", "0");
    return nodeEnv;
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
    Map<String, String> env = clusterEnv(portA, portB);
    env.put("DLQ_JOURNAL_DIR", dir.resolve("dlq").toString());
    env.put("RUNS_JOURNAL_DIR", dir.resolve("runs").toString());

    try (NodeProcess workers = NodeProcess.fromJar(PLATFORM_JAR, "workers", dir, nodeEnv(env, portB), "--cluster",
             "--verticles", "ratelimit,workflow,dlq");
         NodeProcess gateway = NodeProcess.fromJar(PLATFORM_JAR, "gateway", dir, nodeEnv(env, portA), "--cluster",
             "--verticles", "gateway")) {
      int httpPort = gateway.awaitHttpPort(START);
      JsonObject cluster = NodeProcess.awaitCluster(httpPort, DemoContent.ADMIN_TOKEN, START, gateway, workers);
      gateway.awaitReady(httpPort, START);
      assertThat(cluster.getJsonArray("members").stream().map(m -> ((JsonObject) m).getJsonArray("verticles").getList()))
          .containsExactlyInAnyOrder(List.of("gateway"), List.of("ratelimit", "workflow", "dlq"));

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
