package dev.wfgateway.workflow;

import static dev.wfgateway.workflow.WorkflowFixture.eventBusStep;
import static dev.wfgateway.workflow.WorkflowFixture.workflow;
import static org.assertj.core.api.Assertions.assertThat;

import dev.wfgateway.common.Headers;
import dev.wfgateway.testkit.RedisFixture;
import dev.wfgateway.testkit.TestVertx;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Fenced locks on a real Redis: no two runs of one key overlap, tokens only grow, a lost lease stops the run. */
@ExtendWith(VertxExtension.class)
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

  /** A command to the test's Redis, off the event loop (the fixture's client blocks). */
  private Future<String> redisCommand(String command) {
    return vertx.executeBlocking(() -> redis.command(command));
  }

  @Test
  @Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
  void runsWithTheSameLockKeyNeverOverlapAndTokensOnlyGrow(VertxTestContext test) {
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

    fixture.deploy(config("5s"), 2)
        .compose(id -> {
          List<Future<JsonObject>> runs = new ArrayList<>();
          for (int i = 0; i < 60; i++) {
            runs.add(fixture.submit("wide", "critical", new JsonObject().put("orderId", "o-1"), false));
          }
          return Future.all(runs);
        })
        .compose(runs -> {
          assertThat(runs.<JsonObject>list()).allSatisfy(record -> {
            assertThat(record.getString("status")).isEqualTo("succeeded");
            assertThat(record.getJsonObject("lock").getString("key")).isEqualTo("o-1");
          });
          assertThat(maxInside.get()).isEqualTo(1);
          assertThat(tokens).hasSize(60);
          for (int i = 1; i < tokens.size(); i++) {
            assertThat(tokens.get(i)).as("token %d", i).isGreaterThan(tokens.get(i - 1));
          }
          return Future.all(redisCommand("EXISTS lock:{wide}:o-1"), redisCommand("EXISTS fence:{wide}:o-1"));
        })
        .onComplete(test.succeeding(exists -> test.verify(() -> {
          assertThat(exists.<String>resultAt(0)).as("lock released").isEqualTo(":0");
          assertThat(exists.<String>resultAt(1)).as("fence kept").isEqualTo(":1");
          test.completeNow();
        })));
  }

  /**
   * Runs of each key follow one another while Redis loses everything twice: every token a key's
   * step sees is larger than the one before, although the counter the tokens come from is gone.
   */
  @Test
  @Timeout(value = 120, timeUnit = TimeUnit.SECONDS)
  void tokensKeepGrowingWhenRedisLosesTheCounters(VertxTestContext test) {
    Map<String, List<Long>> tokens = new ConcurrentHashMap<>();
    vertx.eventBus().<JsonObject>consumer("test.critical", m -> {
      tokens.computeIfAbsent(m.body().getJsonObject("input").getString("orderId"), k -> new CopyOnWriteArrayList<>())
          .add(Long.parseLong(m.headers().get(Headers.FENCING_TOKEN)));
      vertx.setTimer(2, id -> m.reply(new JsonObject()));
    });
    int keys = 40;
    int runsPerKey = 12;
    int total = keys * runsPerKey;
    AtomicInteger finished = new AtomicInteger();
    List<Future<Void>> chains = new ArrayList<>();

    fixture.deploy(config("5s"), 2)
        .compose(id -> {
          for (int k = 0; k < keys; k++) {
            String orderId = "k-" + k;
            Future<Void> chain = Future.succeededFuture();
            for (int i = 0; i < runsPerKey; i++) {
              chain = chain.compose(v -> fixture.submit("wide", "critical", new JsonObject().put("orderId", orderId),
                  false)).map(run -> {
                    finished.incrementAndGet();
                    return null;
                  });
            }
            chains.add(chain);
          }
          return fixture.until("a third of the runs", () -> Future.succeededFuture(finished.get() >= total / 3));
        })
        .compose(v -> vertx.executeBlocking(() -> {
          redis.flush();
          return null;
        }))
        .compose(v -> fixture.until("two thirds of the runs",
            () -> Future.succeededFuture(finished.get() >= 2 * total / 3)))
        .compose(v -> vertx.executeBlocking(() -> {
          redis.flush();
          return null;
        }))
        .compose(v -> Future.all(chains))
        .onComplete(test.succeeding(all -> test.verify(() -> {
          assertThat(tokens).hasSize(keys);
          tokens.forEach((key, seen) -> {
            assertThat(seen).as("tokens of %s", key).hasSize(runsPerKey);
            for (int i = 1; i < seen.size(); i++) {
              assertThat(seen.get(i)).as("token %d of %s", i, key).isGreaterThan(seen.get(i - 1));
            }
          });
          test.completeNow();
        })));
  }

  @Test
  void aLostLeaseStopsTheRunBeforeItsNextStep(VertxTestContext test) {
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
    List<Future<JsonObject>> run = new ArrayList<>();

    fixture.deploy(config("600ms"), 1)
        .compose(id -> {
          run.add(fixture.submit("acme", "leased", new JsonObject().put("orderId", "o-2"), false));
          return firstEntered.future();
        })
        .compose(v -> redisCommand("DEL lock:{acme}:o-2"))
        .compose(deleted -> {
          assertThat(deleted).isEqualTo(":1");
          return fixture.until("lease lost", () -> Future.succeededFuture(
              fixture.registry.get("platform.lock.leases.lost").counter().count() == 1));
        })
        .compose(v -> {
          releaseFirst.complete();
          return WorkflowFixture.refused(run.get(0));
        })
        .compose(problem -> {
          assertThat(problem.getInteger("failureCode")).isEqualTo(502);
          assertThat(secondCalls.get()).isZero();
          assertThat(fixture.deadLetters).singleElement()
              .satisfies(entry -> assertThat(entry.getString("reason")).isEqualTo("lock_lost"));
          return fixture.status("acme", problem.getString("runId"));
        })
        .onComplete(test.succeeding(record -> test.verify(() -> {
          assertThat(record.getString("status")).isEqualTo("dead_lettered");
          test.completeNow();
        })));
  }

  @Test
  void runRecordsLiveInRedisUnderTheTenantsHashTag(VertxTestContext test) {
    vertx.eventBus().<JsonObject>consumer("test.critical", m -> m.reply(new JsonObject()));

    fixture.deploy(config("5s"), 1)
        .compose(id -> fixture.submit("acme", "critical", new JsonObject().put("orderId", "o-3"), false))
        .map(run -> "run:{acme}:" + run.getString("runId"))
        .compose(key -> Future.all(redisCommand("EXISTS " + key), redisCommand("PTTL " + key)))
        .onComplete(test.succeeding(answers -> test.verify(() -> {
          assertThat(answers.<String>resultAt(0)).isEqualTo(":1");
          assertThat(Long.parseLong(answers.<String>resultAt(1).substring(1))).isPositive();
          test.completeNow();
        })));
  }
}
