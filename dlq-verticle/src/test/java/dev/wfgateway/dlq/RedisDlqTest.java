package dev.wfgateway.dlq;

import static dev.wfgateway.dlq.Entries.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.wfgateway.common.Addresses;
import dev.wfgateway.common.resilience.DependencyBreaker;
import dev.wfgateway.testkit.Eventually;
import dev.wfgateway.testkit.RedisFixture;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The contract on Redis Streams, plus the outage: adds spool locally and drain exactly once. */
class RedisDlqTest extends DlqContractTest {
  @RegisterExtension
  static final RedisFixture redis = RedisFixture.perClass();

  @BeforeEach
  void emptyRedis() {
    redis.flush();
  }

  @Override
  JsonObject backendConfig() {
    return new JsonObject().put("redis", new JsonObject().put("url", redis.url()).put("commandTimeout", "1s"));
  }

  /** The fixture talks to Redis over a blocking socket: never on the event loop. */
  private Future<String> redisCommand(String inline) {
    return vertx.executeBlocking(() -> redis.command(inline));
  }

  private Future<Void> stopRedis() {
    return vertx.executeBlocking(() -> {
      redis.stopServer();
      return null;
    });
  }

  private Future<Void> startRedis() {
    return vertx.executeBlocking(() -> {
      redis.startServer();
      return null;
    });
  }

  /** Until the stream holds {@code length} entries and the node reports itself writable again. */
  private Future<Void> drained(String stream, int length) {
    return Eventually.answers(vertx, "the spool to drain into Redis", Duration.ofSeconds(20),
        () -> redisCommand("XLEN " + stream).map(reply -> (":" + length).equals(reply)
            && Boolean.TRUE.equals(writableFlag())));
  }

  @Test
  void keepsOneHashTaggedStreamPerTenant(VertxTestContext testContext) {
    deploy(dlqSettings().put("maxEntriesPerTenant", 5))
        .compose(v -> addMany("acme", "risk-check", "a", 7))
        .compose(v -> Future.all(redisCommand("XLEN dlq:{acme}"), redisCommand("HGET dlqstats:{acme} evictions")))
        .map(verified(replies -> {
          assertThat(replies.<String>resultAt(0)).isEqualTo(":5");
          assertThat(replies.<String>resultAt(1)).as("the length line of \"2\"").isEqualTo("$1");
        }))
        .onComplete(testContext.succeedingThenComplete());
  }

  /** A failover or flush can lose the tenant index while the streams survive: the views find them again. */
  @Test
  void theTenantIndexRebuildsItselfFromTheStreams(VertxTestContext testContext) {
    JsonObject config = backendConfig().copy().put("dlq", dlqSettings())
        .put("tenants", new JsonObject().put("acme", new JsonObject()).put("globex", new JsonObject()));
    deployWith(config)
        .compose(v -> addMany("acme", "risk-check", "a", 3))
        .compose(v -> addMany("globex", "risk-check", "g", 2))
        .compose(v -> redisCommand("DEL " + RedisStreamStore.TENANTS_KEY))
        .map(verified(reply -> assertThat(reply).isEqualTo(":1")))
        .compose(v -> stats(null))
        .map(verified(stats -> {
          assertThat(stats.getLong("size")).isEqualTo(5);
          assertThat(stats.getJsonObject("byTenant").fieldNames()).containsExactlyInAnyOrder("acme", "globex");
        }))
        .compose(v -> redisCommand("SCARD " + RedisStreamStore.TENANTS_KEY))
        .map(verified(reply -> assertThat(reply).isEqualTo(":2")))
        .onComplete(testContext.succeedingThenComplete());
  }

  @Test
  void spoolsAddsWhileRedisIsDownAndDrainsThemExactlyOnce(VertxTestContext testContext) {
    assumeTrue(redis.controllable(), "needs a Redis server the test can stop");
    List<String> expected = IntStream.range(0, 20).mapToObj(i -> "during-" + i).toList();
    deploy()
        .map(verified(v -> assertThat(writableFlag()).isTrue()))
        .compose(v -> stopRedis())
        .compose(v -> addInOrder(expected.stream().map(run -> json("acme", "risk-check", "timeout", run)).toList()))
        .compose(ackedIds -> {
          assertThat(ackedIds).hasSize(20).doesNotContainNull().doesNotHaveDuplicates();
          assertThat(writableFlag()).isFalse();
          return expectFailure(Addresses.DLQ_QUERY, tenant("acme"), 503)
              .compose(v -> startRedis())
              .compose(v -> drained("dlq:{acme}", 20))
              .compose(v -> runIds(tenant("acme")))
              .map(verified(ids -> assertThat(ids).containsExactlyElementsOf(expected)))
              // The ids handed out from the spool (a 502 carried them as dlqId) still find their entries.
              .compose(v -> Future.all(ackedIds.stream()
                  .map(id -> request(Addresses.DLQ_QUERY, tenant("acme").put("id", id))).toList()))
              .map(verified(found -> assertThat(found.<JsonObject>list()).extracting(e -> e.getString("runId"))
                  .containsExactlyElementsOf(expected)))
              .compose(v -> expectFailure(Addresses.DLQ_QUERY, tenant("globex").put("id", ackedIds.get(0)), 404));
        })
        // Restarted, the node replays an empty spool: it is writable at once and drains nothing again.
        .compose(v -> redeploy(dlqSettings()))
        .map(verified(v -> assertThat(writableFlag()).isTrue()))
        .compose(v -> runIds(tenant("acme")))
        .map(verified(ids -> assertThat(ids).containsExactlyElementsOf(expected)))
        .onComplete(testContext.succeedingThenComplete());
  }

  /** The failover's breaker opens on the first failed add; a probe, not a tenant's add, closes it again. */
  @Test
  void anOutageOpensTheRedisBreakerAndItsProbeClosesIt(VertxTestContext testContext) {
    assumeTrue(redis.controllable(), "needs a Redis server the test can stop");
    deploy()
        .map(verified(v -> assertThat(redisBreakerState()).isZero()))
        .compose(v -> stopRedis())
        .compose(v -> add(json("acme", "risk-check", "timeout", "r1")))
        .map(verified(id -> {
          assertThat(redisBreakerState()).as("open or half-open").isNotZero();
          assertThat(registry.get(DependencyBreaker.TRANSITIONS).tags("dependency", SpoolFailover.DEPENDENCY,
              "state", "open").counter().count()).isPositive();
        }))
        .compose(v -> startRedis())
        .compose(v -> Eventually.holds(vertx, "the breaker to close", Duration.ofSeconds(10),
            () -> redisBreakerState() == 0))
        .compose(v -> drained("dlq:{acme}", 1))
        .onComplete(testContext.succeedingThenComplete());
  }

  private double redisBreakerState() {
    return registry.get(DependencyBreaker.STATE).tag("dependency", SpoolFailover.DEPENDENCY).gauge().value();
  }

  @Test
  void drainsALargeSpoolInOrderWhileNewAddsKeepArriving(VertxTestContext testContext) {
    assumeTrue(redis.controllable(), "needs a Redis server the test can stop");
    List<String> expected = IntStream.range(0, 2500).mapToObj(i -> "r-" + i).toList();
    deploy(dlqSettings().put("maxEntriesPerTenant", 10_000))
        .compose(v -> stopRedis())
        .compose(v -> addMany("acme", "risk-check", "r", 1500))
        .compose(v -> startRedis())
        .compose(v -> Future.all(IntStream.range(1500, 2500)
            .mapToObj(i -> add(json("acme", "risk-check", "step_failed", "r-" + i))).toList()))
        .compose(v -> drained("dlq:{acme}", 2500))
        .compose(v -> runIds(tenant("acme")))
        .map(verified(ids -> assertThat(ids).containsExactlyElementsOf(expected)))
        .onComplete(testContext.succeedingThenComplete());
  }

  @Test
  void drainsAnEntryAlreadyInRedisOnlyOnceAfterACrashBetweenXaddAndSpoolRemoval(VertxTestContext testContext) {
    JsonObject sent = json("acme", "risk-check", "timeout", "r1");
    Path spool = journalDir.resolve("spool");
    deploy()
        .compose(v -> add(sent))
        .compose(v -> undeploy())
        // As if the node died after the drain's XADD but before removing the entry from its spool.
        .compose(v -> vertx.executeBlocking(() -> Files.writeString(Files.createDirectories(spool).resolve("acme.jsonl"),
            new JsonObject().put("op", "add").put("entry", sent.copy().put("id", "1-0")).encode() + "\n")))
        .compose(v -> deploy())
        .compose(v -> Eventually.holds(vertx, "the spool to drain", Duration.ofSeconds(10),
            () -> Boolean.TRUE.equals(writableFlag())))
        .compose(v -> redisCommand("XLEN dlq:{acme}"))
        .map(verified(reply -> assertThat(reply).isEqualTo(":1")))
        .compose(v -> runIds(tenant("acme")))
        .map(verified(ids -> assertThat(ids).containsExactly("r1")))
        .onComplete(testContext.succeedingThenComplete());
  }
}
