package dev.wfgateway.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wfgateway.common.config.ConfigException;
import dev.wfgateway.testkit.Await;
import dev.wfgateway.testkit.TestVertx;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A broken definition stops the node at start-up, with every problem named, and nothing left deployed. */
class StartupValidationTest {
  @TempDir
  Path dir;
  private Vertx vertx;

  @BeforeEach
  void setUp() {
    vertx = TestVertx.create();
  }

  @AfterEach
  void tearDown() throws Exception {
    TestVertx.close(vertx);
  }

  /** Starts a node on {@code conf} as the launcher would; the failure it must stop with. */
  private Throwable startFailure(Path conf) {
    JsonObject config = Await.result(ConfigLoader.load(vertx, conf.toString(),
        Map.of("DLQ_JOURNAL_DIR", dir.resolve("dlq").toString(), "RUNS_JOURNAL_DIR", dir.resolve("runs").toString(),
            "HTTP_PORT", "0")));
    return Await.failure(Platform.start(vertx, config, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT)));
  }

  @Test
  void refusesToStartOnABrokenWorkflowDefinition() throws Exception {
    Path conf = dir.resolve("broken.yaml");
    Files.writeString(conf, String.join("\n",
        "tenants:",
        "  acme: { keys: [] }",
        "workflows:",
        "  risk-check:",
        "    lock: { key: eventId }",
        "    steps:",
        "      - { name: score, retry: fastest, eventbus: { address: risk.score } }",
        "      - { name: score, http: { url: /relative } }",
        ""));
    Throwable failure = startFailure(conf);

    assertThat(failure).isInstanceOf(ConfigException.class);
    assertThat(((ConfigException) failure).problems()).hasSize(4).anySatisfy(p -> assertThat(p)
        .isEqualTo("workflows.risk-check.steps[0].retry: unknown retry preset 'fastest' "
            + "(expected fast, standard, patient, aggressive or none)"))
        .anySatisfy(p -> assertThat(p).contains("lock.key: 'eventId' is not a JSON Pointer"))
        .anySatisfy(p -> assertThat(p).contains("duplicate step name 'score'"))
        .anySatisfy(p -> assertThat(p).contains("steps[1].http.url: must be an absolute"));
    assertThat(vertx.deploymentIDs()).isEmpty();
  }

  /** A file with a misspelt key ({@code redis.masterNam}) and a section this version lacks ({@code tracing}). */
  static final String MISSPELT = String.join("\n",
      "redis: { type: sentinel, endpoints: [\"redis://127.0.0.1:26379\"], masterNam: prod }",
      "tracing: { otlpEndpoint: \"http://127.0.0.1:4318\" }",
      "");

  @Test
  void refusesToStartOnAnUnknownKeyNamingItsPath() throws Exception {
    Path conf = dir.resolve("misspelt.yaml");
    Files.writeString(conf, MISSPELT);
    Throwable failure = startFailure(conf);

    assertThat(failure).isInstanceOf(ConfigException.class);
    assertThat(((ConfigException) failure).problems())
        .anySatisfy(p -> assertThat(p).startsWith("redis.masterNam: unknown key"))
        .anySatisfy(p -> assertThat(p).startsWith("tracing: unknown key"));
    assertThat(vertx.deploymentIDs()).isEmpty();
  }

  @Test
  void refusesAnUnreadableConfigurationFile() {
    Throwable failure = Await.failure(ConfigLoader.load(vertx, dir.resolve("missing.yaml").toString(), Map.of()));
    assertThat(failure).hasMessageContaining("cannot read configuration file");
  }

  @Test
  void refusesANonNumericPortFromTheEnvironment() {
    Throwable failure = Await.failure(ConfigLoader.load(vertx, null, Map.of("HTTP_PORT", "eighty")));
    assertThat(failure).hasMessageContaining("HTTP_PORT must be a number");
  }
}
