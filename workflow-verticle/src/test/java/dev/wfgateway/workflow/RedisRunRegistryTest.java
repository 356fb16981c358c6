package dev.wfgateway.workflow;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wfgateway.common.config.PlatformConfig;
import dev.wfgateway.common.messages.RunSource;
import dev.wfgateway.common.messages.SubmitRunRequest;
import dev.wfgateway.common.redis.GroupCommit;
import dev.wfgateway.testkit.RedisFixture;
import dev.wfgateway.testkit.TestVertx;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Redis backend's write path on a real Redis: group-committed pipelines ({@link GroupCommit})
 * and the cluster's active-run registry riding in them ({@link RedisActiveRuns}).
 */
@ExtendWith(VertxExtension.class)
class RedisRunRegistryTest {
  @RegisterExtension
  static final RedisFixture redis = RedisFixture.perClass();
  private Vertx vertx;
  private Context context;
  private Redis client;
  private MeterRegistry registry;
  private GroupCommit writes;

  @BeforeEach
  void setUp() {
    redis.flush();
    vertx = TestVertx.create();
    context = vertx.getOrCreateContext();
    client = Redis.createClient(vertx, redis.url());
    registry = new SimpleMeterRegistry();
    writes = new GroupCommit(context, client, Duration.ofSeconds(2), registry, "test");
  }

  @AfterEach
  void tearDown() throws Exception {
    client.close();
    TestVertx.close(vertx);
  }

  private double pipelines() {
    return registry.get("platform.redis.pipelines").counter().count();
  }

  private double commands() {
    return registry.get("platform.redis.pipelined.commands").counter().count();
  }

  private Future<Void> onContext(Supplier<Future<?>> work) {
    Promise<Void> done = Promise.promise();
    context.runOnContext(v -> work.get().<Void>mapEmpty().onComplete(done));
    return done.future();
  }

  private static Request set(String key, String value) {
    return Request.cmd(Command.SET).arg(key).arg(value);
  }

  @Test
  void writesGivenInOneTaskLeaveInOnePipelinePerHashTagAndEachGetsItsOwnAnswer(VertxTestContext test) {
    onContext(() -> Future.all(List.of(
            writes.send("acme", set("k:{acme}:1", "a")),
            writes.send("acme", Request.cmd(Command.SET).arg("k:{acme}:1").arg("b").arg("NX")),
            writes.send("acme", Request.cmd(Command.GET).arg("k:{acme}:1")),
            writes.send("wide", set("k:{wide}:1", "w"))))
        .map(all -> {
          test.verify(() -> {
            assertThat(all.<Object>resultAt(1)).as("NX on a taken key: no answer, not an error").isNull();
            assertThat(all.resultAt(2).toString()).as("in order: the GET sees the first SET").isEqualTo("a");
            assertThat(pipelines()).as("one pipeline per tenant").isEqualTo(2);
            assertThat(commands()).isEqualTo(4);
          });
          return all;
        }))
        .onComplete(test.succeedingThenComplete());
  }

  @Test
  void writesThatArriveWhileARoundIsOutLeaveTogetherInTheNext(VertxTestContext test) {
    List<Future<?>> later = new ArrayList<>();
    onContext(() -> {
      Future<?> first = writes.send("acme", set("k:{acme}:first", "1"));
      // The first round leaves at the end of this task; these arrive while it is out.
      context.runOnContext(v -> {
        for (int i = 0; i < 10; i++) {
          later.add(writes.send("acme", set("k:{acme}:" + i, "x")));
        }
      });
      return first;
    }).compose(v -> Future.all(later)).map(v -> {
      test.verify(() -> {
        assertThat(pipelines()).as("the first alone, then the ten in one").isEqualTo(2);
        assertThat(commands()).isEqualTo(11);
      });
      return v;
    }).onComplete(test.succeedingThenComplete());
  }

  @Test
  void aRunsRegistryEntryLeavesInThePipelineOfItsFirstRecordAndGoesWhenItEnds(VertxTestContext test) {
    RedisActiveRuns runs = new RedisActiveRuns(writes, "node-a", List.of("acme"), () -> Set.of("node-a"));
    RunContext run = context("acme");
    onContext(() -> {
      runs.register(run, "run-1", null);
      return writes.send("acme", set("run:{acme}:run-1", "{}"));
    }).compose(v -> hash("acme")).compose(entries -> {
      test.verify(() -> {
        assertThat(pipelines()).as("registry entry and record in one round trip").isEqualTo(1);
        assertThat(ActiveRunEntry.decode(entries.getString("run-1")).node()).isEqualTo("node-a");
      });
      return onContext(() -> {
        runs.ended("run-1");
        return writes.send("acme", Request.cmd(Command.PING));
      });
    }).compose(v -> hash("acme")).map(entries -> {
      test.verify(() -> assertThat(entries).as("ended: its entry is gone").isEmpty());
      return entries;
    }).onComplete(test.succeedingThenComplete());
  }

  @Test
  void aSurvivorAdoptsTheRunsOfANodeThatLeftAndOnlyOneSurvivorGetsEach(VertxTestContext test) {
    RedisActiveRuns departed = new RedisActiveRuns(writes, "node-gone", List.of("acme"), () -> Set.of("node-gone"));
    RedisActiveRuns live = new RedisActiveRuns(writes, "node-live", List.of("acme"), () -> Set.of("node-live"));
    List<String> adoptedByB = new CopyOnWriteArrayList<>();
    List<String> adoptedByC = new CopyOnWriteArrayList<>();
    RedisActiveRuns survivorB = new RedisActiveRuns(writes, "node-b", List.of("acme"), () -> Set.of("node-b", "node-c", "node-live"));
    RedisActiveRuns survivorC = new RedisActiveRuns(writes, "node-c", List.of("acme"), () -> Set.of("node-b", "node-c", "node-live"));
    onContext(() -> {
      departed.register(context("acme"), "orphan-1", null);
      departed.register(context("acme"), "orphan-2", "node-older");
      return live.register(context("acme"), "kept", null);
    }).compose(v -> onContext(() -> Future.join(
            survivorB.reap((request, runId, traceparent, deadNode) -> adoptedByB.add(runId + "<-" + deadNode)),
            survivorC.reap((request, runId, traceparent, deadNode) -> adoptedByC.add(runId + "<-" + deadNode)))))
        .compose(v -> hash("acme"))
        .map(entries -> {
          test.verify(() -> {
            List<String> all = new ArrayList<>(adoptedByB);
            all.addAll(adoptedByC);
            assertThat(all).as("each orphan adopted once, by one survivor")
                .containsExactlyInAnyOrder("orphan-1<-node-gone", "orphan-2<-node-gone");
            assertThat(entries.fieldNames()).as("the run of a node that is not known to have left stays")
                .containsExactly("kept");
          });
          return entries;
        }).onComplete(test.succeedingThenComplete());
  }

  private static RunContext context(String tenant) {
    SubmitRunRequest request = new SubmitRunRequest(tenant, "echo", new JsonObject().put("n", 1), null, false, "rq-1",
        RunSource.HTTP, 0);
    return new RunContext(request, null, null, "00-trace-01");
  }

  private Future<JsonObject> hash(String tenant) {
    return client.send(Request.cmd(Command.HGETALL).arg(RedisActiveRuns.key(tenant))).map(all -> {
      JsonObject json = new JsonObject();
      all.getKeys().forEach(k -> json.put(k, all.get(k).toString()));
      return json;
    });
  }
}
