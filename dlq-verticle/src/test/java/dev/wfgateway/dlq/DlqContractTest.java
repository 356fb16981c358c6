package dev.wfgateway.dlq;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wfgateway.common.Addresses;
import dev.wfgateway.testkit.Await;
import dev.wfgateway.testkit.TestVertx;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The event-bus contract of the DLQ, run against each backend by a subclass. */
abstract class DlqContractTest {
  @TempDir
  Path journalDir;
  Vertx vertx;
  SimpleMeterRegistry registry;
  String deploymentId;

  /** The backend's part of the platform configuration ({@code redis} or nothing). */
  abstract JsonObject backendConfig();

  @BeforeEach
  void createVertx() {
    vertx = TestVertx.create();
    registry = new SimpleMeterRegistry();
  }

  @AfterEach
  void closeVertx() throws Exception {
    TestVertx.close(vertx);
  }

  // ---- helpers ----

  JsonObject dlqSettings() {
    return new JsonObject().put("maxEntriesPerTenant", 1000).put("ttl", "1h").put("cleanupInterval", "1h")
        .put("journalDir", journalDir.toString()).put("redriveRatePerSecond", 1000);
  }

  void deploy(JsonObject dlq) {
    JsonObject config = backendConfig().copy().put("dlq", dlq);
    deploymentId = Await.result(vertx.deployVerticle(new DlqVerticle(registry), new DeploymentOptions()
        .setConfig(config)));
  }

  void deploy() {
    deploy(dlqSettings());
  }

  void undeploy() {
    Await.result(vertx.undeploy(deploymentId));
  }

  JsonObject request(String address, JsonObject body) {
    return Await.result(vertx.eventBus().<JsonObject>request(address, body).map(Message::body));
  }

  int failureCode(String address, JsonObject body) {
    Throwable failure = Await.failure(vertx.eventBus().request(address, body));
    assertThat(failure).isInstanceOf(ReplyException.class);
    JsonObject problem = new JsonObject(failure.getMessage());
    assertThat(problem.getInteger("status")).isEqualTo(((ReplyException) failure).failureCode());
    return ((ReplyException) failure).failureCode();
  }

  static JsonObject entry(String tenant, String workflow, String reason, String runId) {
    return new JsonObject().put("tenant", tenant).put("workflow", workflow).put("runId", runId)
        .put("input", new JsonObject().put("eventId", "ev-" + runId).put("amount", 42))
        .put("reason", reason)
        .put("error", new JsonObject().put("type", "step-error").put("message", "boom in " + runId)
            .put("step", "score"))
        .put("attempts", 3).put("firstFailedAt", "2025-01-01T00:00:00Z").put("lastFailedAt", "2025-01-01T00:00:05Z")
        .put("source", "http").put("requestId", "req-" + runId).put("redriveCount", 0);
  }

  String add(JsonObject entry) {
    return request(Addresses.DLQ_ADD, entry).getString("id");
  }

  /** Adds {@code count} entries concurrently, in chunks; run ids are {@code <prefix>-<n>}. */
  void addMany(String tenant, String workflow, String prefix, int count) {
    for (int from = 0; from < count; from += 1000) {
      List<Future<?>> adds = new ArrayList<>();
      for (int i = from; i < Math.min(count, from + 1000); i++) {
        adds.add(vertx.eventBus().request(Addresses.DLQ_ADD, entry(tenant, workflow, "step_failed", prefix + "-" + i)));
      }
      Await.result(Future.all(adds));
    }
  }

  /** Every entry the query selects, page by page. */
  List<JsonObject> all(JsonObject query) {
    List<JsonObject> entries = new ArrayList<>();
    JsonObject page = request(Addresses.DLQ_QUERY, query.copy().put("limit", 500));
    page.getJsonArray("entries").forEach(e -> entries.add((JsonObject) e));
    while (page.getString("nextCursor") != null) {
      page = request(Addresses.DLQ_QUERY, query.copy().put("limit", 500).put("cursor", page.getString("nextCursor")));
      page.getJsonArray("entries").forEach(e -> entries.add((JsonObject) e));
    }
    return entries;
  }

  List<String> runIds(JsonObject query) {
    return all(query).stream().map(e -> e.getString("runId")).toList();
  }

  JsonObject stats(String tenant) {
    return request(Addresses.DLQ_STATS, tenant == null ? new JsonObject() : new JsonObject().put("tenant", tenant));
  }

  Boolean writableFlag() {
    return vertx.sharedData().<String, Boolean>getLocalMap("platform.status").get("dlq.writable");
  }

  /** A stand-in for the workflow verticle: records submissions, fails those of workflow {@code broken}. */
  List<JsonObject> fakeWorkflowSubmit() {
    List<JsonObject> submitted = new CopyOnWriteArrayList<>();
    AtomicInteger runs = new AtomicInteger();
    MessageConsumer<JsonObject> consumer = vertx.eventBus().consumer(Addresses.WORKFLOW_SUBMIT, msg -> {
      submitted.add(msg.body());
      if ("broken".equals(msg.body().getString("workflow"))) {
        msg.fail(503, "{\"status\":503}");
      } else {
        msg.reply(new JsonObject().put("runId", "redriven-" + runs.incrementAndGet()).put("status", "queued"));
      }
    });
    Await.result(consumer.completion());
    return submitted;
  }

  // ---- the contract ----

  static JsonObject nestedObjects(int levels) {
    JsonObject value = new JsonObject();
    for (int i = 1; i < levels; i++) {
      value = new JsonObject().put("a", value);
    }
    return value;
  }

  @Test
  void anEntryTooDeepToBeReadBackIsRefusedAndTheListingStillAnswers() {
    deploy();
    JsonObject deep = entry("acme", "risk-check", "step_failed", "r-deep").put("input", nestedObjects(600));

    assertThat(failureCode(Addresses.DLQ_ADD, deep)).isEqualTo(400);
    add(entry("acme", "risk-check", "step_failed", "r-ok"));

    assertThat(runIds(new JsonObject().put("tenant", "acme"))).containsExactly("r-ok");
  }

  @Test
  void addsAnEntryAndGetsItBack() {
    deploy();
    JsonObject sent = entry("acme", "risk-check", "timeout", "r1");
    String id = add(sent);

    assertThat(id).matches("\\d+-\\d+");
    JsonObject got = request(Addresses.DLQ_QUERY, new JsonObject().put("tenant", "acme").put("id", id));
    assertThat(got).isEqualTo(sent.copy().put("id", id));
    assertThat(got.fieldNames().iterator().next()).isEqualTo("id");
    assertThat(failureCode(Addresses.DLQ_QUERY, new JsonObject().put("tenant", "acme").put("id", "1-0")))
        .isEqualTo(404);
    assertThat(failureCode(Addresses.DLQ_ADD, new JsonObject().put("tenant", "acme"))).isEqualTo(400);
    assertThat(failureCode(Addresses.DLQ_ADD, entry("../etc", "w", "timeout", "r2"))).isEqualTo(400);
    assertThat(failureCode(Addresses.DLQ_QUERY, new JsonObject().put("tenant", "acme").put("limit", 501)))
        .isEqualTo(400);
    assertThat(writableFlag()).isTrue();
  }

  @Test
  void keepsExactlyTheCapPerTenantAndEvictsOnlyTheStormingTenantsOldest() {
    deploy(dlqSettings().put("maxEntriesPerTenant", 5));
    addMany("quiet", "risk-check", "q", 3);
    for (int i = 0; i < 12; i++) {
      add(entry("storm", "risk-check", "step_failed", "s-" + i));
    }

    assertThat(runIds(new JsonObject().put("tenant", "storm"))).containsExactly("s-7", "s-8", "s-9", "s-10", "s-11");
    assertThat(runIds(new JsonObject().put("tenant", "quiet"))).containsExactlyInAnyOrder("q-0", "q-1", "q-2");
    JsonObject stats = stats(null);
    assertThat(stats.getLong("totalEvictions")).isEqualTo(7);
    assertThat(stats.getJsonObject("byTenant").getJsonObject("storm").getLong("evictions")).isEqualTo(7);
    assertThat(stats.getJsonObject("byTenant").getJsonObject("storm").getLong("size")).isEqualTo(5);
    assertThat(stats.getJsonObject("byTenant").getJsonObject("quiet").getLong("evictions")).isZero();
    assertThat(registry.get(DlqMetrics.EVICTIONS).tag("tenant", "storm").functionCounter().count()).isEqualTo(7);
    assertThat(registry.get(DlqMetrics.SIZE).tag("tenant", "quiet").gauge().value()).isEqualTo(3);
  }

  @Test
  void keepsTheCapExactUnderAConcurrentStormAndKeepsTheNewestInArrivalOrder() {
    deploy(dlqSettings().put("maxEntriesPerTenant", 100));
    List<Future<String>> acks = new ArrayList<>();
    for (int i = 0; i < 700; i++) {
      acks.add(vertx.eventBus().<JsonObject>request(Addresses.DLQ_ADD, entry("storm", "risk-check", "step_failed",
          "s-" + i)).map(reply -> reply.body().getString("id")));
    }
    Await.result(Future.all(acks));

    List<String> ids = acks.stream().map(Future::result).toList();
    assertThat(ids).doesNotHaveDuplicates();
    assertThat(ids).isSortedAccordingTo(Comparator.comparing(StreamId::parse));
    List<String> newest = new ArrayList<>();
    for (int i = 600; i < 700; i++) {
      newest.add("s-" + i);
    }
    assertThat(runIds(new JsonObject().put("tenant", "storm"))).containsExactlyElementsOf(newest);
    assertThat(stats("storm").getJsonObject("byTenant").getJsonObject("storm").getLong("evictions")).isEqualTo(600);
  }

  @Test
  void expiresEntriesAfterTheirTtlEvenWithNothingNewArriving() {
    deploy(dlqSettings().put("ttl", "1s").put("cleanupInterval", "200ms"));
    addMany("acme", "risk-check", "old", 3);
    assertThat(stats("acme").getLong("size")).isEqualTo(3);

    Await.until("entries to expire", Duration.ofSeconds(10), () -> stats("acme").getLong("size") == 0);
    JsonObject stats = stats("acme");
    assertThat(stats.getLong("totalExpired")).isEqualTo(3);
    assertThat(stats.getJsonObject("byTenant").getJsonObject("acme").getLong("expired")).isEqualTo(3);
    assertThat(registry.get(DlqMetrics.EXPIRATIONS).tag("tenant", "acme").functionCounter().count()).isEqualTo(3);
  }

  @Test
  void pagesThroughMoreEntriesThanOnePageOldestFirst() {
    deploy();
    addMany("acme", "risk-check", "a", 12);
    addMany("other", "risk-check", "o", 4);

    List<String> ids = new ArrayList<>();
    JsonObject query = new JsonObject().put("tenant", "acme").put("limit", 5);
    JsonObject page = request(Addresses.DLQ_QUERY, query);
    int pages = 1;
    page.getJsonArray("entries").forEach(e -> ids.add(((JsonObject) e).getString("id")));
    while (page.containsKey("nextCursor")) {
      page = request(Addresses.DLQ_QUERY, query.copy().put("cursor", page.getString("nextCursor")));
      page.getJsonArray("entries").forEach(e -> ids.add(((JsonObject) e).getString("id")));
      pages++;
    }
    assertThat(pages).isEqualTo(3);
    assertThat(ids).hasSize(12).doesNotHaveDuplicates();
    assertThat(ids).isSortedAccordingTo((x, y) -> StreamId.parse(x).compareTo(StreamId.parse(y)));

    // An admin query (no tenant) pages across tenants, each entry exactly once.
    List<JsonObject> everything = new ArrayList<>();
    JsonObject admin = new JsonObject().put("limit", 3);
    page = request(Addresses.DLQ_QUERY, admin);
    page.getJsonArray("entries").forEach(e -> everything.add((JsonObject) e));
    while (page.containsKey("nextCursor")) {
      page = request(Addresses.DLQ_QUERY, admin.copy().put("cursor", page.getString("nextCursor")));
      page.getJsonArray("entries").forEach(e -> everything.add((JsonObject) e));
    }
    assertThat(everything.stream().map(e -> e.getString("runId")).toList()).hasSize(16).doesNotHaveDuplicates();
  }

  @Test
  void filtersByWorkflowReasonAndText() {
    deploy();
    add(entry("acme", "risk-check", "timeout", "r1"));
    add(entry("acme", "risk-check", "circuit_open", "r2"));
    add(entry("acme", "payout", "timeout", "r3"));
    add(entry("acme", "payout", "lock_lost", "needle-r4"));

    assertThat(runIds(new JsonObject().put("tenant", "acme").put("workflow", "payout")))
        .containsExactly("r3", "needle-r4");
    assertThat(runIds(new JsonObject().put("tenant", "acme").put("reason", "timeout"))).containsExactly("r1", "r3");
    assertThat(runIds(new JsonObject().put("tenant", "acme").put("q", "needle"))).containsExactly("needle-r4");
    assertThat(runIds(new JsonObject().put("tenant", "acme").put("q", "NEEDLE"))).isEmpty();
    assertThat(runIds(new JsonObject().put("tenant", "acme").put("workflow", "risk-check").put("reason", "timeout")))
        .containsExactly("r1");
  }

  @Test
  void oneTenantCannotSeeRetryOrDeleteAnothersEntries() {
    deploy();
    List<JsonObject> submitted = fakeWorkflowSubmit();
    String id = add(entry("acme", "risk-check", "timeout", "secret"));
    JsonObject asOther = new JsonObject().put("tenant", "other").put("id", id);

    assertThat(failureCode(Addresses.DLQ_QUERY, asOther)).isEqualTo(404);
    assertThat(failureCode(Addresses.DLQ_RETRY, asOther)).isEqualTo(404);
    assertThat(failureCode(Addresses.DLQ_DELETE, asOther)).isEqualTo(404);
    assertThat(runIds(new JsonObject().put("tenant", "other"))).isEmpty();
    assertThat(runIds(new JsonObject().put("tenant", "other").put("q", "secret"))).isEmpty();
    assertThat(request(Addresses.DLQ_RETRY, new JsonObject().put("tenant", "other")).getInteger("retried")).isZero();
    assertThat(request(Addresses.DLQ_DELETE, new JsonObject().put("tenant", "other")).getInteger("deleted")).isZero();
    assertThat(stats("other").getLong("size")).isZero();

    assertThat(submitted).isEmpty();
    assertThat(runIds(new JsonObject().put("tenant", "acme"))).containsExactly("secret");
  }

  @Test
  void redrivesOneEntryAndAFilteredSet() {
    deploy();
    List<JsonObject> submitted = fakeWorkflowSubmit();
    String single = add(entry("acme", "risk-check", "timeout", "r1").put("redriveCount", 2));
    add(entry("acme", "payout", "timeout", "p1"));
    add(entry("acme", "payout", "timeout", "p2"));
    add(entry("acme", "risk-check", "timeout", "r2"));
    add(entry("other", "payout", "timeout", "o1"));

    JsonObject one = request(Addresses.DLQ_RETRY, new JsonObject().put("tenant", "acme").put("id", single));
    assertThat(one.getInteger("retried")).isEqualTo(1);
    assertThat(one.getJsonArray("runIds")).hasSize(1);
    JsonObject request = submitted.get(0);
    assertThat(request.getString("tenant")).isEqualTo("acme");
    assertThat(request.getString("workflow")).isEqualTo("risk-check");
    assertThat(request.getJsonObject("input")).isEqualTo(new JsonObject().put("eventId", "ev-r1").put("amount", 42));
    assertThat(request.getBoolean("async")).isTrue();
    assertThat(request.getString("source")).isEqualTo("redrive");
    assertThat(request.getInteger("redriveCount")).isEqualTo(3);
    assertThat(failureCode(Addresses.DLQ_QUERY, new JsonObject().put("tenant", "acme").put("id", single)))
        .isEqualTo(404);

    JsonObject filtered = request(Addresses.DLQ_RETRY,
        new JsonObject().put("tenant", "acme").put("workflow", "payout"));
    assertThat(filtered.getInteger("retried")).isEqualTo(2);
    assertThat(submitted).hasSize(3);
    assertThat(submitted.subList(1, 3)).allSatisfy(s -> {
      assertThat(s.getString("workflow")).isEqualTo("payout");
      assertThat(s.getString("tenant")).isEqualTo("acme");
      assertThat(s.getInteger("redriveCount")).isEqualTo(1);
    });
    assertThat(runIds(new JsonObject().put("tenant", "acme"))).containsExactly("r2");
    assertThat(runIds(new JsonObject().put("tenant", "other"))).containsExactly("o1");
    assertThat(stats("acme").getLong("totalRedriven")).isEqualTo(3);
    assertThat(registry.get(DlqMetrics.REDRIVES).tag("tenant", "acme").functionCounter().count()).isEqualTo(3);
  }

  @Test
  void keepsAnEntryWhoseResubmissionFails() {
    deploy();
    List<JsonObject> submitted = fakeWorkflowSubmit();
    String broken = add(entry("acme", "broken", "step_failed", "b1"));
    add(entry("acme", "risk-check", "step_failed", "r1"));

    JsonObject result = request(Addresses.DLQ_RETRY, new JsonObject().put("tenant", "acme"));

    assertThat(result.getInteger("retried")).isEqualTo(1);
    assertThat(result.getJsonArray("runIds")).containsExactly("redriven-1");
    assertThat(submitted).hasSize(2);
    assertThat(all(new JsonObject().put("tenant", "acme"))).extracting(e -> e.getString("id")).containsExactly(broken);
    assertThat(stats("acme").getLong("totalRedriven")).isEqualTo(1);
  }

  @Test
  void bulkDeleteTouchesOnlyWhatTheFilterSelects() {
    deploy();
    add(entry("acme", "payout", "timeout", "p1"));
    add(entry("acme", "payout", "lock_lost", "p2"));
    add(entry("acme", "risk-check", "timeout", "r1"));
    add(entry("other", "payout", "timeout", "o1"));

    JsonObject deleted = request(Addresses.DLQ_DELETE,
        new JsonObject().put("tenant", "acme").put("workflow", "payout").put("reason", "timeout"));
    assertThat(deleted.getInteger("deleted")).isEqualTo(1);
    assertThat(runIds(new JsonObject().put("tenant", "acme"))).containsExactly("p2", "r1");
    assertThat(runIds(new JsonObject().put("tenant", "other"))).containsExactly("o1");

    String r1 = all(new JsonObject().put("tenant", "acme").put("q", "r1")).get(0).getString("id");
    assertThat(request(Addresses.DLQ_DELETE, new JsonObject().put("tenant", "acme").put("id", r1))
        .getInteger("deleted")).isEqualTo(1);
    assertThat(runIds(new JsonObject().put("tenant", "acme"))).containsExactly("p2");
    assertThat(stats(null).getLong("size")).isEqualTo(2);
  }

  @Test
  void reportsStatsPerTenantAndInTotal() {
    deploy();
    addMany("acme", "risk-check", "a", 3);
    addMany("other", "risk-check", "o", 2);

    JsonObject all = stats(null);
    assertThat(all.getLong("size")).isEqualTo(5);
    assertThat(all.getLong("oldestEntryAgeSeconds")).isBetween(0L, 60L);
    assertThat(all.fieldNames()).contains("totalEvictions", "totalExpired", "totalRedriven");
    assertThat(all.getJsonObject("byTenant").fieldNames()).containsExactlyInAnyOrder("acme", "other");
    JsonObject acme = stats("acme");
    assertThat(acme.getLong("size")).isEqualTo(3);
    assertThat(acme.getJsonObject("byTenant").fieldNames()).containsExactly("acme");
    assertThat(acme.getJsonObject("byTenant").getJsonObject("acme").fieldNames())
        .containsExactlyInAnyOrder("size", "oldestEntryAgeSeconds", "evictions", "expired", "redriven");
    assertThat(registry.get(DlqMetrics.SIZE).tag("tenant", "acme").gauge().value()).isEqualTo(3);
    assertThat(registry.get(DlqMetrics.OLDEST_AGE).tag("tenant", "acme").gauge().value()).isGreaterThanOrEqualTo(0);
  }
}
