package dev.wfgateway.workflow;

import static dev.wfgateway.workflow.WorkflowFixture.eventBusStep;
import static dev.wfgateway.workflow.WorkflowFixture.workflow;
import static org.assertj.core.api.Assertions.assertThat;

import dev.wfgateway.common.Headers;
import dev.wfgateway.testkit.Await;
import dev.wfgateway.testkit.RedisFixture;
import dev.wfgateway.testkit.TestVertx;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Fenced locks on a real Redis: no two runs of one key overlap, tokens only grow, a lost lease stops the run. */
class RedisLockTest {
  @RegisterExtension
  static final RedisFixture redis = RedisFixture.perClass();
  private Vertx vertx;
  private WorkflowFixture fixture;



  @BeforeEach
  void setUp() {
    redis.flush();
    vertx = TestVertx.create();
    fixture = new WorkflowFixture(vertx);
  }

  @AfterEach
  void tearDown() throws Exception {
    TestVertx.close(vertx);
  }

  private JsonObject config(String ttl) {
    JsonObject lock = new JsonObject().put("key", "/orderId").put("ttl", ttl).put("wait", "20s");
    return WorkflowFixture.config(new JsonObject()
            .put("echo", workflow(eventBusStep("enter", "test.critical", "none")))
            .put("critical", workflow(eventBusStep("enter", "test.critical", "none")).put("lock", lock)
                .put("timeout", "30s"))
            .put("leased", workflow(eventBusStep("first", "test.first", "none"),
                eventBusStep("second", "test.second", "none")).put("lock", lock)))
        .put("redis", new JsonObject().put("url", redis.url()).put("commandTimeout", "2s"));
  }

  @Test
  void runsWithTheSameLockKeyNeverOverlapAndTokensOnlyGrow() {
    AtomicInteger inside = new AtomicInteger();
    AtomicInteger maxInside = new AtomicInteger();
    List<Long> tokens = new CopyOnWriteArrayList<>();
    vertx.eventBus().<JsonObject>consumer("test.critical", m -> {
      maxInside.accumulateAndGet(inside.incrementAndGet(), Math::max);
      tokens.add(Long.parseLong(m.headers().get(Headers.FENCING_TOKEN)));
      vertx.setTimer(1 + ThreadLocalRandom.current().nextInt(10), id -> {
        inside.decrementAndGet();
        m.reply(new JsonObject());
      });
    });
    fixture.deploy(config("5s"), 2);

    List<Future<JsonObject>> runs = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      runs.add(fixture.submit("wide", "critical", new JsonObject().put("orderId", "o-1"), false));
    }
    for (Future<JsonObject> run : runs) {
      JsonObject record = Await.result(run, Duration.ofSeconds(60));
      assertThat(record.getString("status")).isEqualTo("succeeded");
      assertThat(record.getJsonObject("lock").getString("key")).isEqualTo("o-1");
    }

    assertThat(maxInside.get()).isEqualTo(1);
    assertThat(tokens).hasSize(60);
    for (int i = 1; i < tokens.size(); i++) {
      assertThat(tokens.get(i)).as("token %d", i).isGreaterThan(tokens.get(i - 1));
    }
    assertThat(redis.command("EXISTS lock:{wide}:o-1")).isEqualTo(":0");
    assertThat(redis.command("EXISTS fence:{wide}:o-1")).isEqualTo(":1");
  }

  /**
   * Runs of each key follow one another while Redis loses everything twice: every token a key's
   * step sees is larger than the one before, although the counter the tokens come from is gone.
   */
  @Test
  void tokensKeepGrowingWhenRedisLosesTheCounters() {
    Map<String, List<Long>> tokens = new ConcurrentHashMap<>();
    vertx.eventBus().<JsonObject>consumer("test.critical", m -> {
      tokens.computeIfAbsent(m.body().getJsonObject("input").getString("orderId"), k -> new CopyOnWriteArrayList<>())
          .add(Long.parseLong(m.headers().get(Headers.FENCING_TOKEN)));
      vertx.setTimer(2, id -> m.reply(new JsonObject()));
    });
    fixture.deploy(config("5s"), 2);
    int keys = 40;
    int runsPerKey = 12;
    AtomicInteger finished = new AtomicInteger();
    List<Future<Void>> chains = new ArrayList<>();
    for (int k = 0; k < keys; k++) {
      String orderId = "k-" + k;
      Future<Void> chain = Future.succeededFuture();
      for (int i = 0; i < runsPerKey; i++) {
        chain = chain.compose(v -> fixture.submit("wide", "critical", new JsonObject().put("orderId", orderId), false))
            .map(run -> {
              finished.incrementAndGet();
              return null;
            });
      }
      chains.add(chain);
    }
    int total = keys * runsPerKey;
    Await.until("a third of the runs", Duration.ofSeconds(60), () -> finished.get() >= total / 3);
    redis.flush();
    Await.until("two thirds of the runs", Duration.ofSeconds(60), () -> finished.get() >= 2 * total / 3);
    redis.flush();
    Await.result(Future.all(chains), Duration.ofSeconds(60));

    assertThat(tokens).hasSize(keys);
    tokens.forEach((key, seen) -> {
      assertThat(seen).as("tokens of %s", key).hasSize(runsPerKey);
      for (int i = 1; i < seen.size(); i++) {
        assertThat(seen.get(i)).as("token %d of %s", i, key).isGreaterThan(seen.get(i - 1));
      }
    });
  }

  @Test
  void aLostLeaseStopsTheRunBeforeItsNextStep() {
    Promise<Void> firstEntered = Promise.promise();
    Promise<Void> releaseFirst = Promise.promise();
    AtomicInteger secondCalls = new AtomicInteger();
    vertx.eventBus().<JsonObject>consumer("test.first", m -> {
      firstEntered.tryComplete();
      releaseFirst.future().onComplete(v -> m.reply(new JsonObject()));
    });
    vertx.eventBus().<JsonObject>consumer("test.second", m -> {
      secondCalls.incrementAndGet();
      m.reply(new JsonObject());
    });
    fixture.deploy(config("600ms"), 1);

    Future<JsonObject> run = fixture.submit("acme", "leased", new JsonObject().put("orderId", "o-2"), false);
    Await.result(firstEntered.future());
    assertThat(redis.command("DEL lock:{acme}:o-2")).isEqualTo(":1");
    Await.until("lease lost", Duration.ofSeconds(5),
        () -> fixture.registry.get("platform.lock.leases.lost").counter().count() == 1);
    vertx.runOnContext(v -> releaseFirst.complete());

    JsonObject problem = WorkflowFixture.problem(Await.failure(run));
    assertThat(problem.getInteger("failureCode")).isEqualTo(502);
    assertThat(secondCalls.get()).isZero();
    assertThat(fixture.deadLetters).hasSize(1);
    assertThat(fixture.deadLetters.get(0).getString("reason")).isEqualTo("lock_lost");
    assertThat(Await.result(fixture.status("acme", problem.getString("runId"))).getString("status"))
        .isEqualTo("dead_lettered");
  }

  @Test
  void runRecordsLiveInRedisUnderTheTenantsHashTag() {
    vertx.eventBus().<JsonObject>consumer("test.critical", m -> m.reply(new JsonObject()));
    fixture.deploy(config("5s"), 1);

    JsonObject run = Await.result(fixture.submit("acme", "critical", new JsonObject().put("orderId", "o-3"), false));

    String key = "run:{acme}:" + run.getString("runId");
    assertThat(redis.command("EXISTS " + key)).isEqualTo(":1");
    assertThat(Long.parseLong(redis.command("PTTL " + key).substring(1))).isPositive();
  }
}
