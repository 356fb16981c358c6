package dev.wfgateway.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wfgateway.common.Addresses;
import dev.wfgateway.common.config.PlatformConfig;
import dev.wfgateway.testkit.Await;
import dev.wfgateway.testkit.RedisFixture;
import dev.wfgateway.testkit.TestCertificates;
import dev.wfgateway.testkit.TestVertx;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cluster.tls}: three Vert.x nodes join one Hazelcast cluster on loopback. Two hold
 * certificates the cluster's CA signed and talk to each other; the third (a rogue that joined the
 * cluster with a certificate of its own CA) can neither send to a platform address nor be handed
 * a message for one.
 */
class EventBusTlsTest {
  private static final DeliveryOptions QUICK = new DeliveryOptions().setSendTimeout(3_000);
  @TempDir
  Path dir;
  private final List<Vertx> nodes = new ArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (Vertx vertx : nodes) {
      TestVertx.close(vertx);
    }
  }

  private Vertx join(Map<String, String> env, String cert, String key, String ca) throws Exception {
    PlatformConfig config = PlatformConfig.fromJson(new JsonObject().put("cluster", new JsonObject()
        .put("tls", new JsonObject().put("certPem", cert).put("keyPem", key).put("caPem", ca))));
    EventBusOptions eventBus = EventBusTls.options(config.cluster()).setHost("127.0.0.1");
    Vertx vertx = Await.result(Vertx.builder().with(TestVertx.options().setEventBusOptions(eventBus))
        .withClusterManager(ClusterSetup.clusterManager(env)).buildClustered(), Duration.ofSeconds(60));
    nodes.add(TestVertx.guard(vertx));
    return vertx;
  }

  @Test
  void aNodeWithoutTheClustersCertificateCanNeitherSendNorReceive() throws Exception {
    TestCertificates certs = TestCertificates.createIn(dir.resolve("certs"));
    int port = RedisFixture.freePort();
    Map<String, String> env = Map.of("CLUSTER_NAME", "tls-" + UUID.randomUUID(), "CLUSTER_PORT", String.valueOf(port),
        "CLUSTER_MEMBERS", "127.0.0.1:" + port);
    String ca = certs.caCert().toString();
    Vertx platform = join(env, certs.serverCert().toString(), certs.serverKey().toString(), ca);
    Vertx peer = join(env, certs.serverCert().toString(), certs.serverKey().toString(), ca);
    Vertx rogue = join(env, certs.rogueCert().toString(), certs.rogueKey().toString(), certs.rogueCaCert().toString());
    AtomicInteger submitted = new AtomicInteger();
    Await.result(platform.eventBus().<JsonObject>consumer(Addresses.WORKFLOW_SUBMIT, m -> {
      submitted.incrementAndGet();
      m.reply(new JsonObject().put("ok", true));
    }).completion());
    AtomicInteger handedToRogue = new AtomicInteger();
    Await.result(rogue.eventBus().<JsonObject>consumer(Addresses.DLQ_DELETE, m -> {
      handedToRogue.incrementAndGet();
      m.reply(new JsonObject().put("deleted", 1000));
    }).completion());

    JsonObject fromPeer = Await.result(peer.eventBus().<JsonObject>request(Addresses.WORKFLOW_SUBMIT,
        new JsonObject(), QUICK), Duration.ofSeconds(10)).body();
    assertThat(fromPeer.getBoolean("ok")).as("a node with the cluster's certificate is served").isTrue();

    Throwable refused = Await.failure(rogue.eventBus().request(Addresses.WORKFLOW_SUBMIT, new JsonObject(), QUICK));
    assertThat(refused).isNotNull();
    List<Future<io.vertx.core.eventbus.Message<Object>>> toRogue = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      toRogue.add(platform.eventBus().request(Addresses.DLQ_DELETE, new JsonObject().put("tenant", "acme"), QUICK));
    }
    Await.result(Future.join(toRogue).otherwiseEmpty(), Duration.ofSeconds(10));

    assertThat(toRogue).allMatch(Future::failed);
    assertThat(handedToRogue.get()).as("messages the rogue received").isZero();
    assertThat(submitted.get()).as("submits that reached the platform").isEqualTo(1);
  }
}
