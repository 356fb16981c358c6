package dev.wfgateway.launcher;

import static dev.wfgateway.launcher.ProblemAssert.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import dev.wfgateway.common.config.Sha256;
import dev.wfgateway.testkit.Await;
import dev.wfgateway.testkit.TestVertx;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The noisy neighbour: tenants globex and initech run one workflow against one downstream host,
 * through that host's default breaker (minimumCalls 20, openFor 30 s). The downstream fails every
 * call globex's runs make and serves initech's. globex's failures must open globex's breaker only.
 */
class NoisyNeighbourHttpTest {
  private static final String GLOBEX_KEY = "globex-noisy-key";
  private static final String INITECH_KEY = "initech-quiet-key";
  private static final String ADMIN_TOKEN = "noisy-admin-token";
  private static final int DEFAULT_MINIMUM_CALLS = 20;
  @TempDir
  static Path dir;
  private static Vertx downstreamVertx;
  /** Calls the downstream received, by the {@code caller} of the run's input. */
  private static final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
  private static RunningPlatform node;
  /** The default breaker of the downstream host, as the configuration names it. */
  private static String breaker;

  @BeforeAll
  static void start() throws Exception {
    downstreamVertx = TestVertx.create();
    HttpServer downstream = Await.result(downstreamVertx.createHttpServer().requestHandler(req -> req.body()
        .onSuccess(body -> {
          String caller = body.toJsonObject().getJsonObject("input").getString("caller");
          calls.computeIfAbsent(caller, c -> new AtomicInteger()).incrementAndGet();
          req.response().setStatusCode("globex".equals(caller) ? 500 : 200)
              .putHeader("content-type", "application/json").end("{\"found\":true}");
        })).listen(0, "127.0.0.1"));
    breaker = "http:127.0.0.1:" + downstream.actualPort();
    Path conf = dir.resolve("platform.yaml");
    Files.writeString(conf, String.join("\n",
        "admin: { tokenSha256: \"" + Sha256.hex(ADMIN_TOKEN) + "\" }",
        "tenants:",
        tenant("globex", GLOBEX_KEY),
        tenant("initech", INITECH_KEY),
        "workflows:",
        "  lookup:",
        "    steps: [ { name: lookup, retry: none, http: { method: POST, url: \"http://127.0.0.1:"
            + downstream.actualPort() + "/lookup\" } } ]",
        ""));
    node = RunningPlatform.started(dir, Map.of(), conf.toString());
  }

  /** A tenant with one key and rate limits no test here reaches: only the breaker may refuse a run. */
  private static String tenant(String name, String key) {
    return "  " + name + ": { keys: [ { id: " + name + "-1, sha256: \"" + Sha256.hex(key) + "\" } ],"
        + " rateLimits: { submit: [ { name: burst, limit: 500, window: 1s } ],"
        + " read: [ { name: reads, limit: 500, window: 1s } ] } }";
  }

  @AfterAll
  static void stop() throws Exception {
    node.close();
    TestVertx.close(downstreamVertx);
  }

  private static HttpResponse<Buffer> lookup(String key, String caller) {
    return Await.result(node.request(HttpMethod.POST, "/v1/workflows/lookup/runs")
        .putHeader("Authorization", "Bearer " + key).putHeader("Content-Type", "application/json")
        .sendBuffer(Buffer.buffer(new JsonObject().put("input", new JsonObject().put("caller", caller)).encode())));
  }

  private static HttpResponse<Buffer> get(String credential, String path) {
    return Await.result(node.request(HttpMethod.GET, path).putHeader("Authorization", "Bearer " + credential).send());
  }

  private static int callsOf(String caller) {
    return calls.getOrDefault(caller, new AtomicInteger()).get();
  }

  /** The host's breakers as {@code /admin/circuit-breakers} lists them, by tenant. */
  private static Map<String, JsonObject> hostBreakers() {
    HttpResponse<Buffer> response = get(ADMIN_TOKEN, "/admin/circuit-breakers");
    assertThat(response.statusCode()).isEqualTo(200);
    return response.bodyAsJsonObject().getJsonArray("breakers").stream().map(JsonObject.class::cast)
        .filter(b -> breaker.equals(b.getString("name")))
        .collect(Collectors.toMap(b -> b.getString("tenant"), b -> b));
  }

  private static String stateOf(String tenant) {
    JsonObject entry = hostBreakers().get(tenant);
    return entry == null ? "none" : entry.getString("state");
  }

  @Test
  void aTenantWhoseCallsFailOpensOnlyItsOwnBreakerOfTheSharedHost() {
    int globexRuns = 0;
    while (!"open".equals(stateOf("globex"))) {
      assertThat(globexRuns).as("globex runs without its breaker opening").isLessThan(DEFAULT_MINIMUM_CALLS);
      assertProblem(lookup(GLOBEX_KEY, "globex"), 502, "run-failed");
      globexRuns++;
    }
    assertThat(globexRuns).isEqualTo(DEFAULT_MINIMUM_CALLS);
    int globexCallsWhenOpened = callsOf("globex");

    int initechSucceeded = 0;
    JsonObject lastRefused = null;
    for (int i = 0; i < 20; i++) {
      lastRefused = assertProblem(lookup(GLOBEX_KEY, "globex"), 502, "run-failed");
      assertThat(lastRefused.getString("detail")).contains("'" + breaker + "' is open", "not called");
      HttpResponse<Buffer> served = lookup(INITECH_KEY, "initech");
      assertThat(served.statusCode()).as("initech's run %d: %s", i, served.bodyAsString()).isEqualTo(200);
      initechSucceeded++;
    }

    assertThat(initechSucceeded).isEqualTo(20);
    assertThat(callsOf("initech")).as("the downstream saw every initech run").isEqualTo(20);
    assertThat(callsOf("globex")).as("globex's refused runs called nothing").isEqualTo(globexCallsWhenOpened);
    JsonObject entry = get(GLOBEX_KEY, "/v1/dlq/" + lastRefused.getString("dlqId")).bodyAsJsonObject();
    assertThat(entry.getString("reason")).isEqualTo("circuit_open");

    Map<String, JsonObject> listed = hostBreakers();
    assertThat(listed).containsOnlyKeys("globex", "initech");
    assertThat(listed.get("globex").getString("state")).isEqualTo("open");
    assertThat(listed.get("globex").getDouble("failureRate")).isEqualTo(1.0);
    assertThat(listed.get("initech").getString("state")).isEqualTo("closed");
    assertThat(listed.get("initech").getDouble("failureRate")).isZero();
    assertThat(listed.get("initech").getInteger("calls")).isEqualTo(20);
    assertThat(listed.values()).allSatisfy(b -> assertThat(b.getString("node")).isNotBlank());

    Map<String, PrometheusText.Family> metrics = PrometheusText.parse(
        Await.result(node.request(HttpMethod.GET, "/metrics").send()).bodyAsString());
    assertThat(hostSamples(metrics.get("platform_circuit_state"))).containsOnly(
        Map.entry("globex", 1.0), Map.entry("initech", 0.0));
    assertThat(hostSamples(metrics.get("platform_circuit_failure_rate"))).containsOnly(
        Map.entry("globex", 1.0), Map.entry("initech", 0.0));
  }

  /** A family's samples for the host's breaker, as tenant → value. */
  private static Map<String, Double> hostSamples(PrometheusText.Family family) {
    return family.samples().stream().filter(s -> breaker.equals(s.labels().get("name")))
        .collect(Collectors.toMap(s -> s.labels().get("tenant"), PrometheusText.Sample::value));
  }
}
