package dev.wfgateway.dlq;

import static dev.wfgateway.dlq.Entries.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.wfgateway.common.Addresses;
import dev.wfgateway.common.Problem;
import dev.wfgateway.common.ProblemType;
import dev.wfgateway.common.messages.DlqEntry;
import dev.wfgateway.common.messages.DlqQuery;
import dev.wfgateway.common.messages.StreamId;
import dev.wfgateway.common.service.DeadLetterService;
import dev.wfgateway.common.service.Requester;
import dev.wfgateway.common.service.ServiceFailure;
import dev.wfgateway.testkit.Eventually;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The event-bus contract of the DLQ, run against each backend by a subclass. Each test is one chain
 * of futures; an assertion that fails inside it fails the chain and so the test. The verticle runs
 * on a test clock, which stands still unless a test moves it.
 */
abstract class DlqContractTest extends OnTestVertx {
  @TempDir
  Path journalDir;
  SimpleMeterRegistry registry;
  TestClock clock;
  String deploymentId;

  /** The backend's part of the platform configuration ({@code redis} or nothing). */
  abstract JsonObject backendConfig();

  @BeforeEach
  void createRegistryAndClock() {
    registry = new SimpleMeterRegistry();
    clock = new TestClock(Instant.now()); // near the real time: Redis gives stream ids by its own clock
  }

  // ---- helpers ----

  JsonObject dlqSettings() {
    return new JsonObject().put("maxEntriesPerTenant", 1000).put("ttl", "1h").put("cleanupInterval", "1h")
        .put("journalDir", journalDir.toString()).put("redriveRatePerSecond", 1000);
  }

  Future<String> deployWith(JsonObject config) {
    return vertx.deployVerticle(new DlqVerticle(registry, clock), new DeploymentOptions().setConfig(config))
        .onSuccess(id -> deploymentId = id);
  }

  Future<String> deploy(JsonObject dlq) {
    return deployWith(backendConfig().copy().put("dlq", dlq));
  }

  Future<String> deploy() {
    return deploy(dlqSettings());
  }

  Future<Void> undeploy() {
    return vertx.undeploy(deploymentId);
  }

  /** Undeploys and deploys again, as a node restarts. */
  Future<String> redeploy(JsonObject dlq) {
    return undeploy().compose(v -> deploy(dlq));
  }

  /** Runs the assertions on the value and passes it on; one that fails fails the chain. */
  static <T> Function<T, T> verified(Consumer<T> assertions) {
    return value -> {
      assertions.accept(value);
      return value;
    };
  }

  static JsonObject tenant(String tenant) {
    return new JsonObject().put("tenant", tenant);
  }

  Future<JsonObject> request(String address, JsonObject body) {
    return vertx.eventBus().<JsonObject>request(address, body).map(Message::body);
  }

  /** The failure code of a request that must fail; its body is a problem with the same status. */
  Future<Integer> failureCode(String address, JsonObject body) {
    return vertx.eventBus().request(address, body).transform(reply -> {
      if (reply.succeeded()) {
        return Future.failedFuture(new AssertionError(address + " answered " + reply.result().body()
            + " where a failure was expected"));
      }
      assertThat(reply.cause()).isInstanceOf(ReplyException.class);
      ReplyException failure = (ReplyException) reply.cause();
      assertThat(new JsonObject(failure.getMessage()).getInteger("status")).isEqualTo(failure.failureCode());
      return Future.succeededFuture(failure.failureCode());
    });
  }

  Future<Void> expectFailure(String address, JsonObject body, int code) {
    return failureCode(address, body).map(verified(actual -> assertThat(actual).as(address + " " + body)
        .isEqualTo(code))).mapEmpty();
  }

  Future<String> add(JsonObject entry) {
    return request(Addresses.DLQ_ADD, entry).map(reply -> reply.getString("id"));
  }

  /** Adds the entries one after the other; completes with their ids. */
  Future<List<String>> addInOrder(List<JsonObject> entries) {
    Future<List<String>> ids = Future.succeededFuture(new ArrayList<>());
    for (JsonObject entry : entries) {
      ids = ids.compose(so -> add(entry).map(id -> {
        so.add(id);
        return so;
      }));
    }
    return ids;
  }

  /** Adds {@code count} entries concurrently, a thousand at a time; run ids are {@code <prefix>-<n>}. */
  Future<Void> addMany(String tenant, String workflow, String prefix, int count) {
    Future<Void> added = Future.succeededFuture();
    for (int from = 0; from < count; from += 1000) {
      int start = from;
      added = added.compose(v -> Future.all(IntStream.range(start, Math.min(count, start + 1000))
          .mapToObj(i -> add(json(tenant, workflow, "step_failed", prefix + "-" + i))).toList()).mapEmpty());
    }
    return added;
  }

  /** Every page the query gives, following the cursors (a thousand pages at most). */
  Future<List<JsonObject>> pages(JsonObject query) {
    return pagesFrom(query, null, new ArrayList<>());
  }

  private Future<List<JsonObject>> pagesFrom(JsonObject query, String cursor, List<JsonObject> pages) {
    JsonObject asked = cursor == null ? query : query.copy().put("cursor", cursor);
    return request(Addresses.DLQ_QUERY, asked).compose(page -> {
      pages.add(page);
      String next = page.getString("nextCursor");
      if (next != null && pages.size() == 1000) {
        return Future.failedFuture(new AssertionError("a thousand pages, and still a next cursor: " + next));
      }
      return next == null ? Future.succeededFuture(pages) : pagesFrom(query, next, pages);
    });
  }

  /** Every entry the query selects, page by page. */
  Future<List<JsonObject>> all(JsonObject query) {
    JsonObject asked = query.containsKey("limit") ? query : query.copy().put("limit", 500);
    return pages(asked).map(pages -> pages.stream()
        .flatMap(page -> page.getJsonArray("entries").stream().map(JsonObject.class::cast)).toList());
  }

  Future<List<String>> runIds(JsonObject query) {
    return all(query).map(entries -> entries.stream().map(e -> e.getString("runId")).toList());
  }

  Future<JsonObject> stats(String tenant) {
    return request(Addresses.DLQ_STATS, tenant == null ? new JsonObject() : tenant(tenant));
  }

  Boolean writableFlag() {
    return vertx.sharedData().<String, Boolean>getLocalMap("platform.status").get("dlq.writable");
  }

  /** A stand-in for the workflow verticle: records submissions, fails those of workflow {@code broken}. */
  Future<Void> fakeWorkflowSubmit(List<JsonObject> submitted) {
    AtomicInteger runs = new AtomicInteger();
    MessageConsumer<JsonObject> consumer = vertx.eventBus().consumer(Addresses.WORKFLOW_SUBMIT, msg -> {
      submitted.add(msg.body());
      if ("broken".equals(msg.body().getString("workflow"))) {
        msg.fail(503, "{\"status\":503}");
      } else {
        msg.reply(new JsonObject().put("runId", "redriven-" + runs.incrementAndGet()).put("status", "queued"));
      }
    });
    return consumer.completion();
  }

  // ---- the contract ----

  /**
   * The problem a JSON request that must fail was refused with: Vert.x's own ReplyException (a
   * sender without the platform's codecs can read it), whose failure code is the status and whose
   * message is the problem's JSON.
   */
  Future<Problem> refusal(String address, Object body) {
    return vertx.eventBus().request(address, body).transform(reply -> {
      if (reply.succeeded()) {
        return Future.failedFuture(new AssertionError(address + " answered " + reply.result().body()
            + " where a refusal was expected"));
      }
      assertThat(reply.cause()).as(address).isExactlyInstanceOf(ReplyException.class);
      ReplyException failure = (ReplyException) reply.cause();
      Problem problem = Problem.fromJson(new JsonObject(failure.getMessage()));
      assertThat(failure.failureCode()).isEqualTo(problem.status());
      return Future.succeededFuture(problem);
    });
  }

  /** The reply's body, which must be a JSON object. */
  Future<JsonObject> jsonReply(String address, JsonObject body) {
    return vertx.eventBus().request(address, body).map(reply -> {
      assertThat(reply.body()).as(address).isInstanceOf(JsonObject.class);
      return (JsonObject) reply.body();
    });
  }

  @Test
  void everyAddressAnswersAJsonSenderInJsonAndRefusesABodyThatIsNoObjectAsMalformed(VertxTestContext testContext) {
    JsonObject sent = json("acme", "risk-check", "timeout", "r1");
    deploy()
        .compose(v -> jsonReply(Addresses.DLQ_ADD, sent))
        .compose(added -> Future.all(jsonReply(Addresses.DLQ_QUERY, tenant("acme").put("id", added.getString("id"))),
                jsonReply(Addresses.DLQ_RETRY, tenant("other")), jsonReply(Addresses.DLQ_DELETE, tenant("other")),
                jsonReply(Addresses.DLQ_STATS, tenant("acme")))
            .map(verified(replies -> {
              assertThat(added.fieldNames()).containsExactly("id");
              assertThat(replies.<JsonObject>resultAt(0)).isEqualTo(sent.copy().put("id", added.getString("id")));
              assertThat(replies.<JsonObject>resultAt(1))
                  .isEqualTo(new JsonObject().put("retried", 0).put("runIds", new JsonArray()));
              assertThat(replies.<JsonObject>resultAt(2)).isEqualTo(new JsonObject().put("deleted", 0));
              assertThat(replies.<JsonObject>resultAt(3).getLong("size")).isEqualTo(1);
            })))
        .compose(v -> Future.all(Stream.of(Addresses.DLQ_ADD, Addresses.DLQ_QUERY, Addresses.DLQ_RETRY,
            Addresses.DLQ_DELETE, Addresses.DLQ_STATS).map(address -> refusal(address, sent.encode())).toList()))
        .map(verified(problems -> assertThat(problems.<Problem>list()).hasSize(5)
            .extracting(Problem::type).containsOnly(ProblemType.MALFORMED_JSON)))
        .compose(v -> Future.all(refusal(Addresses.DLQ_ADD, tenant("acme")),
            refusal(Addresses.DLQ_QUERY, tenant("acme").put("limit", 0)),
            refusal(Addresses.DLQ_RETRY, tenant("acme").put("reason", "bored")),
            refusal(Addresses.DLQ_DELETE, tenant("acme").put("cursor", "not-a-cursor")),
            refusal(Addresses.DLQ_STATS, tenant("../etc"))))
        .map(verified(problems -> assertThat(problems.<Problem>list()).hasSize(5)
            .extracting(Problem::type).containsOnly(ProblemType.VALIDATION_FAILED)))
        .onComplete(testContext.succeedingThenComplete());
  }

  @Test
  void aPlatformSenderSendsAndGetsRecordsAndARefusalCarriesItsProblem(VertxTestContext testContext) {
    Requester bus = Requester.of(vertx.eventBus());
    DeliveryOptions options = new DeliveryOptions();
    List<Object> delivered = new CopyOnWriteArrayList<>();
    vertx.eventBus().addInboundInterceptor(delivery -> {
      if (delivery.message().address().equals(Addresses.DLQ_ADD)) {
        delivered.add(delivery.body());
      }
      delivery.next();
    });
    DlqEntry sent = Entries.entry("acme", "risk-check", "timeout", "r1");

    deploy()
        .compose(v -> DeadLetterService.ADD.request(bus, sent, options))
        .compose(added -> DeadLetterService.QUERY.request(bus, DlqQuery.fromJson(tenant("acme").put("id", added.id())),
            options).map(verified(got -> {
              assertThat(delivered).as("the sender's record itself").hasSize(1).first().isSameAs(sent);
              assertThat(got).isEqualTo(sent.withId(added.id()).toJson());
            })))
        .compose(v -> DeadLetterService.ADD.request(bus, Entries.entry("../etc", "w", "timeout", "r2"), options)
            .transform(refused -> {
              assertThat(refused.cause()).isInstanceOf(ServiceFailure.class);
              assertThat(((ServiceFailure) refused.cause()).problem().type()).isEqualTo(ProblemType.VALIDATION_FAILED);
              return Future.succeededFuture();
            }))
        .onComplete(testContext.succeedingThenComplete());
  }

  @Test
  void anEntryTooDeepToBeReadBackIsRefusedAndTheListingStillAnswers(VertxTestContext testContext) {
    JsonObject deep = json("acme", "risk-check", "step_failed", "r-deep").put("input", Entries.nestedObjects(600));

    deploy()
        .compose(v -> expectFailure(Addresses.DLQ_ADD, deep, 400))
        .compose(v -> add(json("acme", "risk-check", "step_failed", "r-ok")))
        .compose(v -> runIds(tenant("acme")))
        .map(verified(ids -> assertThat(ids).containsExactly("r-ok")))
        .onComplete(testContext.succeedingThenComplete());
  }

  @Test
  void addsAnEntryAndGetsItBack(VertxTestContext testContext) {
    JsonObject sent = json("acme", "risk-check", "timeout", "r1");

    deploy()
        .compose(v -> add(sent))
        .compose(id -> request(Addresses.DLQ_QUERY, tenant("acme").put("id", id)).map(verified(got -> {
          assertThat(id).matches("\\d+-\\d+");
          assertThat(got).isEqualTo(sent.copy().put("id", id));
          assertThat(got.fieldNames().iterator().next()).isEqualTo("id");
        })))
        .compose(v -> expectFailure(Addresses.DLQ_QUERY, tenant("acme").put("id", "1-0"), 404))
        .compose(v -> expectFailure(Addresses.DLQ_ADD, tenant("acme"), 400))
        .compose(v -> expectFailure(Addresses.DLQ_ADD, json("../etc", "w", "timeout", "r2"), 400))
        .compose(v -> expectFailure(Addresses.DLQ_QUERY, tenant("acme").put("limit", 501), 400))
        .map(verified(v -> assertThat(writableFlag()).isTrue()))
        .onComplete(testContext.succeedingThenComplete());
  }

  @Test
  void keepsExactlyTheCapPerTenantAndEvictsOnlyTheStormingTenantsOldest(VertxTestContext testContext) {
    deploy(dlqSettings().put("maxEntriesPerTenant", 5))
        .compose(v -> addMany("quiet", "risk-check", "q", 3))
        .compose(v -> addInOrder(IntStream.range(0, 12).mapToObj(i -> json("storm", "risk-check", "step_failed",
            "s-" + i)).toList()))
        .compose(v -> runIds(tenant("storm")))
        .map(verified(ids -> assertThat(ids).containsExactly("s-7", "s-8", "s-9", "s-10", "s-11")))
        .compose(v -> runIds(tenant("quiet")))
        .map(verified(ids -> assertThat(ids).containsExactlyInAnyOrder("q-0", "q-1", "q-2")))
        .compose(v -> stats(null))
        .map(verified(stats -> {
          assertThat(stats.getLong("totalEvictions")).isEqualTo(7);
          assertThat(stats.getJsonObject("byTenant").getJsonObject("storm").getLong("evictions")).isEqualTo(7);
          assertThat(stats.getJsonObject("byTenant").getJsonObject("storm").getLong("size")).isEqualTo(5);
          assertThat(stats.getJsonObject("byTenant").getJsonObject("quiet").getLong("evictions")).isZero();
          assertThat(registry.get(DlqMetrics.EVICTIONS).tag("tenant", "storm").functionCounter().count())
              .isEqualTo(7);
          assertThat(registry.get(DlqMetrics.SIZE).tag("tenant", "quiet").gauge().value()).isEqualTo(3);
        }))
        .onComplete(testContext.succeedingThenComplete());
  }

  @Test
  void keepsTheCapExactUnderAConcurrentStormAndKeepsTheNewestInArrivalOrder(VertxTestContext testContext) {
    List<String> newest = IntStream.range(600, 700).mapToObj(i -> "s-" + i).toList();

    deploy(dlqSettings().put("maxEntriesPerTenant", 100))
        .compose(v -> Future.all(IntStream.range(0, 700)
            .mapToObj(i -> add(json("storm", "risk-check", "step_failed", "s-" + i))).toList()))
        .map(verified(acks -> {
          List<String> ids = acks.list();
          assertThat(ids).doesNotHaveDuplicates();
          assertThat(ids).isSortedAccordingTo(Comparator.comparing(StreamId::parse));
        }))
        .compose(v -> runIds(tenant("storm")))
        .map(verified(ids -> assertThat(ids).containsExactlyElementsOf(newest)))
        .compose(v -> stats("storm"))
        .map(verified(stats -> assertThat(stats.getJsonObject("byTenant").getJsonObject("storm").getLong("evictions"))
            .isEqualTo(600)))
        .onComplete(testContext.succeedingThenComplete());
  }

  @Test
  void expiresEntriesAfterTheirTtlEvenWithNothingNewArriving(VertxTestContext testContext) {
    deploy(dlqSettings().put("ttl", "1h").put("cleanupInterval", "200ms"))
        .compose(v -> addMany("acme", "risk-check", "old", 3))
        .compose(v -> stats("acme"))
        .map(verified(stats -> assertThat(stats.getLong("size")).isEqualTo(3)))
        .compose(v -> {
          clock.advance(Duration.ofHours(1).plusMinutes(1));
          return Eventually.answers(vertx, "entries to expire", Duration.ofSeconds(10),
              () -> stats("acme").map(stats -> stats.getLong("size") == 0));
        })
        .compose(v -> stats("acme"))
        .map(verified(stats -> {
          assertThat(stats.getLong("totalExpired")).isEqualTo(3);
          assertThat(stats.getJsonObject("byTenant").getJsonObject("acme").getLong("expired")).isEqualTo(3);
          assertThat(registry.get(DlqMetrics.EXPIRATIONS).tag("tenant", "acme").functionCounter().count())
              .isEqualTo(3);
        }))
        .onComplete(testContext.succeedingThenComplete());
  }

  @Test
  void pagesThroughMoreEntriesThanOnePageOldestFirst(VertxTestContext testContext) {
    deploy()
        .compose(v -> addMany("acme", "risk-check", "a", 12))
        .compose(v -> addMany("other", "risk-check", "o", 4))
        .compose(v -> pages(tenant("acme").put("limit", 5)))
        .map(verified(pages -> {
          assertThat(pages).extracting(page -> page.getJsonArray("entries").size()).containsExactly(5, 5, 2);
          List<String> ids = pages.stream().flatMap(page -> page.getJsonArray("entries").stream())
              .map(e -> ((JsonObject) e).getString("id")).toList();
          assertThat(ids).doesNotHaveDuplicates();
          assertThat(ids).isSortedAccordingTo(Comparator.comparing(StreamId::parse));
        }))
        // An admin query (no tenant) pages across tenants, each entry exactly once.
        .compose(v -> all(new JsonObject().put("limit", 3)))
        .map(verified(everything -> assertThat(everything.stream().map(e -> e.getString("runId")).toList())
            .hasSize(16).doesNotHaveDuplicates()))
        .onComplete(testContext.succeedingThenComplete());
  }

  @Test
  void filtersByWorkflowReasonAndText(VertxTestContext testContext) {
    deploy()
        .compose(v -> addInOrder(List.of(json("acme", "risk-check", "timeout", "r1"),
            json("acme", "risk-check", "circuit_open", "r2"), json("acme", "payout", "timeout", "r3"),
            json("acme", "payout", "lock_lost", "needle-r4"))))
        .compose(v -> Future.all(runIds(tenant("acme").put("workflow", "payout")),
            runIds(tenant("acme").put("reason", "timeout")), runIds(tenant("acme").put("q", "needle")),
            runIds(tenant("acme").put("q", "NEEDLE")),
            runIds(tenant("acme").put("workflow", "risk-check").put("reason", "timeout"))))
        .map(verified(found -> {
          assertThat(found.<List<String>>resultAt(0)).containsExactly("r3", "needle-r4");
          assertThat(found.<List<String>>resultAt(1)).containsExactly("r1", "r3");
          assertThat(found.<List<String>>resultAt(2)).containsExactly("needle-r4");
          assertThat(found.<List<String>>resultAt(3)).isEmpty();
          assertThat(found.<List<String>>resultAt(4)).containsExactly("r1");
        }))
        .onComplete(testContext.succeedingThenComplete());
  }

  @Test
  void oneTenantCannotSeeRetryOrDeleteAnothersEntries(VertxTestContext testContext) {
    List<JsonObject> submitted = new CopyOnWriteArrayList<>();
    deploy()
        .compose(v -> fakeWorkflowSubmit(submitted))
        .compose(v -> add(json("acme", "risk-check", "timeout", "secret")))
        .compose(id -> {
          JsonObject asOther = tenant("other").put("id", id);
          return expectFailure(Addresses.DLQ_QUERY, asOther, 404)
              .compose(v -> expectFailure(Addresses.DLQ_RETRY, asOther, 404))
              .compose(v -> expectFailure(Addresses.DLQ_DELETE, asOther, 404));
        })
        .compose(v -> Future.all(runIds(tenant("other")), runIds(tenant("other").put("q", "secret"))))
        .map(verified(found -> {
          assertThat(found.<List<String>>resultAt(0)).isEmpty();
          assertThat(found.<List<String>>resultAt(1)).isEmpty();
        }))
        .compose(v -> request(Addresses.DLQ_RETRY, tenant("other")))
        .map(verified(retry -> assertThat(retry.getInteger("retried")).isZero()))
        .compose(v -> request(Addresses.DLQ_DELETE, tenant("other")))
        .map(verified(delete -> assertThat(delete.getInteger("deleted")).isZero()))
        .compose(v -> stats("other"))
        .map(verified(stats -> assertThat(stats.getLong("size")).isZero()))
        .compose(v -> runIds(tenant("acme")))
        .map(verified(ids -> {
          assertThat(submitted).isEmpty();
          assertThat(ids).containsExactly("secret");
        }))
        .onComplete(testContext.succeedingThenComplete());
  }

  @Test
  void redrivesOneEntryAndAFilteredSet(VertxTestContext testContext) {
    List<JsonObject> submitted = new CopyOnWriteArrayList<>();
    deploy()
        .compose(v -> fakeWorkflowSubmit(submitted))
        .compose(v -> addInOrder(List.of(json("acme", "risk-check", "timeout", "r1").put("redriveCount", 2),
            json("acme", "payout", "timeout", "p1"), json("acme", "payout", "timeout", "p2"),
            json("acme", "risk-check", "timeout", "r2"), json("other", "payout", "timeout", "o1"))))
        .compose(ids -> {
          JsonObject single = tenant("acme").put("id", ids.get(0));
          return request(Addresses.DLQ_RETRY, single).map(verified(one -> {
            assertThat(one.getInteger("retried")).isEqualTo(1);
            assertThat(one.getJsonArray("runIds")).containsExactly("redriven-1");
            assertThat(submitted).hasSize(1);
            JsonObject request = submitted.get(0);
            assertThat(request.getString("tenant")).isEqualTo("acme");
            assertThat(request.getString("workflow")).isEqualTo("risk-check");
            assertThat(request.getJsonObject("input"))
                .isEqualTo(new JsonObject().put("eventId", "ev-r1").put("amount", 42));
            assertThat(request.getBoolean("async")).isTrue();
            assertThat(request.getString("source")).isEqualTo("redrive");
            assertThat(request.getInteger("redriveCount")).isEqualTo(3);
          })).compose(v -> expectFailure(Addresses.DLQ_QUERY, single, 404));
        })
        .compose(v -> request(Addresses.DLQ_RETRY, tenant("acme").put("workflow", "payout")))
        .map(verified(filtered -> {
          assertThat(filtered.getInteger("retried")).isEqualTo(2);
          assertThat(submitted).hasSize(3);
          assertThat(submitted.subList(1, 3)).extracting(s -> s.getJsonObject("input").getString("eventId"))
              .containsExactly("ev-p1", "ev-p2");
          assertThat(submitted.subList(1, 3)).allSatisfy(s -> {
            assertThat(s.getString("workflow")).isEqualTo("payout");
            assertThat(s.getString("tenant")).isEqualTo("acme");
            assertThat(s.getInteger("redriveCount")).isEqualTo(1);
          });
        }))
        .compose(v -> Future.all(runIds(tenant("acme")), runIds(tenant("other")), stats("acme")))
        .map(verified(after -> {
          assertThat(after.<List<String>>resultAt(0)).containsExactly("r2");
          assertThat(after.<List<String>>resultAt(1)).containsExactly("o1");
          assertThat(after.<JsonObject>resultAt(2).getLong("totalRedriven")).isEqualTo(3);
          assertThat(registry.get(DlqMetrics.REDRIVES).tag("tenant", "acme").functionCounter().count())
              .isEqualTo(3);
        }))
        .onComplete(testContext.succeedingThenComplete());
  }

  @Test
  void keepsAnEntryWhoseResubmissionFails(VertxTestContext testContext) {
    List<JsonObject> submitted = new CopyOnWriteArrayList<>();
    deploy()
        .compose(v -> fakeWorkflowSubmit(submitted))
        .compose(v -> addInOrder(List.of(json("acme", "broken", "step_failed", "b1"),
            json("acme", "risk-check", "step_failed", "r1"))))
        .compose(ids -> request(Addresses.DLQ_RETRY, tenant("acme")).map(verified(result -> {
          assertThat(result.getInteger("retried")).isEqualTo(1);
          assertThat(result.getJsonArray("runIds")).containsExactly("redriven-1");
          assertThat(submitted).hasSize(2);
        })).compose(v -> all(tenant("acme"))).map(verified(left -> assertThat(left)
            .extracting(e -> e.getString("id")).containsExactly(ids.get(0)))))
        .compose(v -> stats("acme"))
        .map(verified(stats -> assertThat(stats.getLong("totalRedriven")).isEqualTo(1)))
        .onComplete(testContext.succeedingThenComplete());
  }

  @Test
  void bulkDeleteTouchesOnlyWhatTheFilterSelects(VertxTestContext testContext) {
    deploy()
        .compose(v -> addInOrder(List.of(json("acme", "payout", "timeout", "p1"),
            json("acme", "payout", "lock_lost", "p2"), json("acme", "risk-check", "timeout", "r1"),
            json("other", "payout", "timeout", "o1"))))
        .compose(ids -> request(Addresses.DLQ_DELETE, tenant("acme").put("workflow", "payout").put("reason", "timeout"))
            .map(verified(deleted -> assertThat(deleted.getInteger("deleted")).isEqualTo(1)))
            .compose(v -> Future.all(runIds(tenant("acme")), runIds(tenant("other"))))
            .map(verified(left -> {
              assertThat(left.<List<String>>resultAt(0)).containsExactly("p2", "r1");
              assertThat(left.<List<String>>resultAt(1)).containsExactly("o1");
            }))
            .compose(v -> request(Addresses.DLQ_DELETE, tenant("acme").put("id", ids.get(2)))))
        .map(verified(deleted -> assertThat(deleted.getInteger("deleted")).isEqualTo(1)))
        .compose(v -> runIds(tenant("acme")))
        .map(verified(ids -> assertThat(ids).containsExactly("p2")))
        .compose(v -> stats(null))
        .map(verified(stats -> assertThat(stats.getLong("size")).isEqualTo(2)))
        .onComplete(testContext.succeedingThenComplete());
  }

  /**
   * Ages are reckoned on the verticle's clock, moved 90 s on after the adds. Redis numbers its
   * entries by its own clock, a little after the test clock's start: their age may come out a few
   * seconds short, never over.
   */
  @Test
  void reportsStatsPerTenantAndInTotal(VertxTestContext testContext) {
    deploy()
        .compose(v -> addMany("acme", "risk-check", "a", 3))
        .compose(v -> addMany("other", "risk-check", "o", 2))
        .compose(v -> {
          clock.advance(Duration.ofSeconds(90));
          return stats(null);
        })
        .map(verified(all -> {
          assertThat(all.getLong("size")).isEqualTo(5);
          assertThat(all.getLong("oldestEntryAgeSeconds")).isBetween(80L, 90L);
          assertThat(all.getLong("totalEvictions")).isZero();
          assertThat(all.getLong("totalExpired")).isZero();
          assertThat(all.getLong("totalRedriven")).isZero();
          assertThat(all.getJsonObject("byTenant").fieldNames()).containsExactlyInAnyOrder("acme", "other");
        }))
        .compose(v -> stats("acme"))
        .map(verified(acme -> {
          assertThat(acme.getLong("size")).isEqualTo(3);
          assertThat(acme.getJsonObject("byTenant").fieldNames()).containsExactly("acme");
          assertThat(acme.getJsonObject("byTenant").getJsonObject("acme").fieldNames())
              .containsExactlyInAnyOrder("size", "oldestEntryAgeSeconds", "evictions", "expired", "redriven");
          assertThat(registry.get(DlqMetrics.SIZE).tag("tenant", "acme").gauge().value()).isEqualTo(3);
          assertThat(registry.get(DlqMetrics.OLDEST_AGE).tag("tenant", "acme").gauge().value()).isBetween(80.0, 90.0);
        }))
        .onComplete(testContext.succeedingThenComplete());
  }
}
