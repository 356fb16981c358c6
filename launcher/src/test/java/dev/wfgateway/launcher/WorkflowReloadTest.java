package dev.wfgateway.launcher;

import static dev.wfgateway.launcher.ConfiguredPlatform.ACME_KEY;
import static dev.wfgateway.launcher.ConfiguredPlatform.GLOBEX_KEY;
import static dev.wfgateway.launcher.ProblemAssert.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import dev.wfgateway.common.Headers;
import dev.wfgateway.testkit.Await;
import dev.wfgateway.testkit.TestVertx;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Workflow definitions reloaded from the {@code --conf} file while the node runs (local backend),
 * the way {@code Main} watches it, against a real HTTP downstream that records which run called
 * which URL: runs keep the version they started on, a file with any problem is refused whole, and
 * a workflow added (or taken from a tenant) shows on every route at once.
 */
class WorkflowReloadTest {
  private static final Duration INTERVAL = Duration.ofMillis(200);
  private static final Duration APPLIED_WITHIN = Duration.ofSeconds(10);
  private static final String CHECKOUT = "checkout";
  private static final String LEGACY = "legacy";
  private static final String REFUNDS = "refunds";

  /** One call the downstream received: its path and the run it was made for. */
  record Call(String path, String runId) {
  }

  @TempDir
  static Path dir;
  private static Vertx downstreamVertx;
  private static HttpServer downstream;
  private static final List<Call> calls = new CopyOnWriteArrayList<>();
  /** Calls to {@code /v1/reserve} are answered when this completes. */
  private static final AtomicReference<Promise<Void>> reserveGate = new AtomicReference<>();
  private static Path configFile;
  private static String original;
  private static RunningPlatform node;
  private static LauncherLog log;

  @BeforeAll
  static void start() throws Exception {
    downstreamVertx = TestVertx.create();
    downstream = Await.result(downstreamVertx.createHttpServer().requestHandler(request -> {
      calls.add(new Call(request.path(), request.getHeader(Headers.RUN_ID)));
      Promise<Void> gate = reserveGate.get();
      Future<Void> held = request.path().equals("/v1/reserve") && gate != null ? gate.future()
          : Future.succeededFuture();
      held.onComplete(v -> request.response().putHeader("Content-Type", "application/json")
          .end(new JsonObject().put("at", request.path()).encode()));
    }).listen(0, "127.0.0.1"));
    configFile = ConfiguredPlatform.write(dir, String.join("\n",
        workflow(CHECKOUT, "1", "reserve", "/v1/reserve", "charge", "/v1/charge"),
        workflow(LEGACY, "1", "only", "/legacy")));
    original = Files.readString(configFile);
    node = RunningPlatform.started(dir, Map.of(), configFile.toString());
    // The environment RunningPlatform starts the node with, so the re-read configuration equals the running one.
    Map<String, String> env = Map.of("HTTP_PORT", "0", "DLQ_JOURNAL_DIR", dir.resolve("dlq").toString(),
        "RUNS_JOURNAL_DIR", dir.resolve("runs").toString());
    node.platform.reloadOnChange(configFile.toString(), env, INTERVAL, UnaryOperator.identity());
    log = LauncherLog.capture();
  }

  @AfterAll
  static void stop() throws Exception {
    log.close();
    node.close();
    TestVertx.close(downstreamVertx);
  }

  @BeforeEach
  void backToTheOriginalFile() throws Exception {
    replaceConfig(original);
    awaitVersion(ACME_KEY, CHECKOUT, "1");
    Await.until("legacy back", APPLIED_WITHIN, () -> get(ACME_KEY, "/v1/workflows/" + LEGACY).statusCode() == 200);
    calls.clear();
    log.clear();
  }

  /** A workflow whose steps each POST to the downstream: {@code name, path} pairs. */
  private static String workflow(String name, String version, String... steps) {
    StringBuilder yaml = new StringBuilder("  " + name + ":\n    version: \"" + version + "\"\n    steps:\n");
    for (int i = 0; i < steps.length; i += 2) {
      yaml.append("      - { name: ").append(steps[i]).append(", retry: none, http: { url: \"")
          .append(url(steps[i + 1])).append("\", timeout: 20s } }\n");
    }
    return yaml.toString().stripTrailing();
  }

  private static String url(String path) {
    return "http://127.0.0.1:" + downstream.actualPort() + path;
  }

  /** The original file with its workflows section replaced by {@code workflows}. */
  private static String withWorkflows(String workflows) {
    int section = original.indexOf("\nworkflows:\n");
    assertThat(section).isPositive();
    return original.substring(0, section) + "\nworkflows:\n" + workflows + "\n";
  }

  /** Replaces the file the way an operator should: write beside it, then rename over it. */
  private static void replaceConfig(String yaml) throws Exception {
    Path next = dir.resolve("platform.yaml.next");
    Files.writeString(next, yaml);
    Files.move(next, configFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private static HttpResponse<Buffer> get(String key, String path) {
    return Await.result(node.request(HttpMethod.GET, path).putHeader("Authorization", "Bearer " + key).send());
  }

  private static Future<HttpResponse<Buffer>> run(String key, String workflow) {
    return node.request(HttpMethod.POST, "/v1/workflows/" + workflow + "/runs")
        .putHeader("Authorization", "Bearer " + key).putHeader("Content-Type", "application/json")
        .sendBuffer(Buffer.buffer(new JsonObject().put("input", new JsonObject().put("orderId", "o-1")).encode()));
  }

  private static void awaitVersion(String key, String workflow, String version) {
    Await.until(workflow + " at version " + version, APPLIED_WITHIN, () -> {
      HttpResponse<Buffer> response = get(key, "/v1/workflows/" + workflow);
      return response.statusCode() == 200 && version.equals(response.bodyAsJsonObject().getString("version"));
    });
  }

  private static JsonObject succeeded(HttpResponse<Buffer> response) {
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    JsonObject run = response.bodyAsJsonObject();
    assertThat(run.getString("status")).isEqualTo("succeeded");
    return run;
  }

  private static List<String> stepNames(JsonObject run) {
    return run.getJsonArray("steps").stream().map(s -> ((JsonObject) s).getString("name")).toList();
  }

  private static List<String> pathsCalledBy(JsonObject run) {
    return calls.stream().filter(c -> run.getString("runId").equals(c.runId())).map(Call::path).toList();
  }

  @Test
  void aRunStartedBeforeAReloadEndsOnItsVersionWhileNewRunsUseTheNewOne() throws Exception {
    Promise<Void> gate = Promise.promise();
    reserveGate.set(gate);
    try {
      Future<HttpResponse<Buffer>> first = run(ACME_KEY, CHECKOUT);
      Await.until("the first run's reserve call held", APPLIED_WITHIN,
          () -> calls.stream().anyMatch(c -> c.path().equals("/v1/reserve")));

      replaceConfig(withWorkflows(String.join("\n",
          workflow(CHECKOUT, "2", "reserve", "/v2/reserve", "ship", "/v2/ship"),
          workflow(LEGACY, "1", "only", "/legacy"))));
      awaitVersion(ACME_KEY, CHECKOUT, "2");
      JsonObject second = succeeded(Await.result(run(ACME_KEY, CHECKOUT)));
      assertThat(first.isComplete()).as("the first run still waits for its reserve call").isFalse();
      gate.complete();
      JsonObject firstRun = succeeded(Await.result(first));

      assertThat(firstRun.getString("definitionVersion")).isEqualTo("1");
      assertThat(stepNames(firstRun)).containsExactly("reserve", "charge");
      assertThat(pathsCalledBy(firstRun)).containsExactly("/v1/reserve", "/v1/charge");
      assertThat(second.getString("definitionVersion")).isEqualTo("2");
      assertThat(stepNames(second)).containsExactly("reserve", "ship");
      assertThat(pathsCalledBy(second)).containsExactly("/v2/reserve", "/v2/ship");
      JsonObject stored = get(ACME_KEY, "/v1/runs/" + firstRun.getString("runId")).bodyAsJsonObject();
      assertThat(stored.getString("definitionVersion")).as("the stored record").isEqualTo("1");
    } finally {
      gate.tryComplete();
      reserveGate.set(null);
    }
  }

  @Test
  void aFileWithProblemsIsRefusedWholeAndTheOldVersionKeepsServing() throws Exception {
    replaceConfig(withWorkflows(String.join("\n",
        "  " + CHECKOUT + ":",
        "    version: \"3\"",
        "    steps:",
        "      - { name: reserve, kafka: { topic: reserve } }",
        "      - { name: charge, input: { shipped: /steps/ship/id }, http: { url: \"" + url("/v3/charge") + "\" } }",
        "      - { name: ship, http: { url: \"" + url("/v3/ship") + "\" } }",
        workflow(REFUNDS, "1", "refund", "/refund"))));

    Await.until("the refused reload logged", APPLIED_WITHIN,
        () -> log.find("reload ignored", "workflows.checkout.steps[0]", "comes later") != null);
    String warning = log.find("reload ignored");
    assertThat(warning).contains("workflows.checkout.steps[0].kafka", "workflows.checkout.steps[1].input.shipped",
        "/steps/ship/id");
    assertThat(get(ACME_KEY, "/v1/workflows/" + CHECKOUT).bodyAsJsonObject().getString("version")).isEqualTo("1");
    assertProblem(get(ACME_KEY, "/v1/workflows/" + REFUNDS), 404, "not-found");
    JsonObject run = succeeded(Await.result(run(ACME_KEY, CHECKOUT)));
    assertThat(run.getString("definitionVersion")).isEqualTo("1");
    assertThat(pathsCalledBy(run)).containsExactly("/v1/reserve", "/v1/charge");
  }

  @Test
  void aWorkflowAddedByAReloadIsListedAndRunnableAndARemovedOneIsGone() throws Exception {
    replaceConfig(withWorkflows(String.join("\n",
        workflow(CHECKOUT, "1", "reserve", "/v1/reserve", "charge", "/v1/charge"),
        workflow(REFUNDS, "r1", "refund", "/refund")))
        .replace("  globex:\n", "  globex:\n    workflows: [" + CHECKOUT + "]\n"));

    Await.until("refunds listed", APPLIED_WITHIN, () -> get(ACME_KEY, "/v1/workflows").bodyAsJsonObject()
        .getJsonArray("workflows").stream().anyMatch(w -> REFUNDS.equals(((JsonObject) w).getString("name"))));
    List<String> listed = get(ACME_KEY, "/v1/workflows").bodyAsJsonObject().getJsonArray("workflows").stream()
        .map(w -> ((JsonObject) w).getString("name")).toList();
    assertThat(listed).containsExactly(CHECKOUT, REFUNDS);
    JsonObject refund = succeeded(Await.result(run(ACME_KEY, REFUNDS)));
    assertThat(refund.getString("definitionVersion")).isEqualTo("r1");
    assertThat(pathsCalledBy(refund)).containsExactly("/refund");

    assertProblem(get(ACME_KEY, "/v1/workflows/" + LEGACY), 404, "not-found");
    assertProblem(Await.result(run(ACME_KEY, LEGACY)), 404, "not-found");
    List<String> globexListed = get(GLOBEX_KEY, "/v1/workflows").bodyAsJsonObject().getJsonArray("workflows")
        .stream().map(w -> ((JsonObject) w).getString("name")).toList();
    assertThat(globexListed).as("globex's new allow-list").containsExactly(CHECKOUT);
    assertProblem(Await.result(run(GLOBEX_KEY, REFUNDS)), 404, "not-found");
  }
}
