package dev.wfgateway.dlq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.wfgateway.common.Addresses;
import dev.wfgateway.testkit.Await;
import dev.wfgateway.testkit.RedisFixture;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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

  @Test
  void keepsOneHashTaggedStreamPerTenant() {
    deploy(dlqSettings().put("maxEntriesPerTenant", 5));
    addMany("acme", "risk-check", "a", 7);
    assertThat(redis.command("XLEN dlq:{acme}")).isEqualTo(":5");
    assertThat(redis.command("HGET dlqstats:{acme} evictions")).isEqualTo("$1");
  }

  /** A failover or flush can lose the tenant index while the streams survive: the views find them again. */
  @Test
  void theTenantIndexRebuildsItselfFromTheStreams() {
    JsonObject config = backendConfig().copy().put("dlq", dlqSettings())
        .put("tenants", new JsonObject().put("acme", new JsonObject()).put("globex", new JsonObject()));
    deploymentId = Await.result(vertx.deployVerticle(new DlqVerticle(registry), new DeploymentOptions()
        .setConfig(config)));
    addMany("acme", "risk-check", "a", 3);
    addMany("globex", "risk-check", "g", 2);

    assertThat(redis.command("DEL " + RedisDeadLetterStore.TENANTS_KEY)).isEqualTo(":1");

    JsonObject stats = stats(null);
    assertThat(stats.getLong("size")).isEqualTo(5);
    assertThat(stats.getJsonObject("byTenant").fieldNames()).containsExactlyInAnyOrder("acme", "globex");
    assertThat(redis.command("SCARD " + RedisDeadLetterStore.TENANTS_KEY)).isEqualTo(":2");
  }

  @Test
  void spoolsAddsWhileRedisIsDownAndDrainsThemExactlyOnce() throws IOException {
    assumeTrue(redis.controllable(), "needs a Redis server the test can stop");
    deploy();
    assertThat(writableFlag()).isTrue();

    redis.stopServer();
    List<String> expected = new ArrayList<>();
    List<String> ackedIds = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      String id = add(entry("acme", "risk-check", "timeout", "during-" + i));
      assertThat(id).isNotNull();
      ackedIds.add(id);
      expected.add("during-" + i);
    }
    assertThat(writableFlag()).isFalse();
    assertThat(failureCode(Addresses.DLQ_QUERY, new JsonObject().put("tenant", "acme"))).isEqualTo(503);

    redis.startServer();
    Await.until("the spool to drain into Redis", Duration.ofSeconds(20),
        () -> ":20".equals(redis.command("XLEN dlq:{acme}")) && Boolean.TRUE.equals(writableFlag()));
    assertThat(runIds(new JsonObject().put("tenant", "acme"))).containsExactlyElementsOf(expected);
    // The ids handed out from the spool (a 502 carried them as dlqId) still find their entries.
    for (int i = 0; i < ackedIds.size(); i++) {
      JsonObject one = request(Addresses.DLQ_QUERY, new JsonObject().put("tenant", "acme").put("id", ackedIds.get(i)));
      assertThat(one.getString("runId")).isEqualTo("during-" + i);
    }
    assertThat(failureCode(Addresses.DLQ_QUERY, new JsonObject().put("tenant", "globex").put("id", ackedIds.get(0))))
        .isEqualTo(404);

    // Restarted, the node replays an empty spool: it is writable at once and drains nothing again.
    undeploy();
    deploy();
    assertThat(writableFlag()).isTrue();
    assertThat(runIds(new JsonObject().put("tenant", "acme"))).containsExactlyElementsOf(expected);
  }

  @Test
  void drainsALargeSpoolInOrderWhileNewAddsKeepArriving() throws IOException {
    assumeTrue(redis.controllable(), "needs a Redis server the test can stop");
    deploy(dlqSettings().put("maxEntriesPerTenant", 10_000));
    redis.stopServer();
    addMany("acme", "risk-check", "r", 1500);
    redis.startServer();
    List<Future<?>> more = new ArrayList<>();
    for (int i = 1500; i < 2500; i++) {
      more.add(vertx.eventBus().request(Addresses.DLQ_ADD, entry("acme", "risk-check", "step_failed", "r-" + i)));
    }
    Await.result(Future.all(more));

    Await.until("the spool to drain into Redis", Duration.ofSeconds(20),
        () -> ":2500".equals(redis.command("XLEN dlq:{acme}")) && Boolean.TRUE.equals(writableFlag()));
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 2500; i++) {
      expected.add("r-" + i);
    }
    assertThat(runIds(new JsonObject().put("tenant", "acme"))).containsExactlyElementsOf(expected);
  }

  @Test
  void drainsAnEntryAlreadyInRedisOnlyOnceAfterACrashBetweenXaddAndSpoolRemoval() throws IOException {
    deploy();
    JsonObject sent = entry("acme", "risk-check", "timeout", "r1");
    add(sent);
    undeploy();
    // As if the node died after the drain's XADD but before removing the entry from its spool.
    Path spool = Files.createDirectories(journalDir.resolve("spool"));
    Files.writeString(spool.resolve("acme.jsonl"),
        new JsonObject().put("op", "add").put("entry", sent.copy().put("id", "1-0")).encode() + "\n");

    deploy();
    Await.until("the spool to drain", Duration.ofSeconds(10), () -> Boolean.TRUE.equals(writableFlag()));
    assertThat(redis.command("XLEN dlq:{acme}")).isEqualTo(":1");
    assertThat(runIds(new JsonObject().put("tenant", "acme"))).containsExactly("r1");
  }
}
