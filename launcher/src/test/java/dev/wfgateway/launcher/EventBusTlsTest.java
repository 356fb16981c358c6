package dev.wfgateway.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wfgateway.common.Addresses;
import dev.wfgateway.common.ClusterMembership;
import dev.wfgateway.common.config.PlatformConfig;
import dev.wfgateway.testkit.Await;
import dev.wfgateway.testkit.RedisFixture;
import dev.wfgateway.testkit.TestCertificates;
import dev.wfgateway.testkit.TestVertx;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cluster.tls}: three Vert.x nodes join one Hazelcast cluster on loopback. Two hold
 * certificates the cluster's CA signed and talk to each other; the third (a rogue that joined the
 * cluster with a certificate of its own CA) can neither send to a platform address nor be handed
 * a message for one.
 */
@ExtendWith(VertxExtension.class)
class EventBusTlsTest {
  /** Room for a first TLS connection on a loaded machine. */
  private static final DeliveryOptions SERVED = new DeliveryOptions().setSendTimeout(15_000);
  private static final DeliveryOptions REFUSED = new DeliveryOptions().setSendTimeout(3_000);
  @TempDir
  Path dir;
  private final String clusterName = "tls-" + UUID.randomUUID();
  private final List<Vertx> nodes = new CopyOnWriteArrayList<>();
  private Vertx platform;
  private Vertx peer;
  private Vertx rogue;

  /**
   * Joins the three nodes one after the other on the test thread: making a node parses cluster.xml
   * and builds a Vert.x, work for no event loop. The first node names its own cluster port (and
   * binds the next one up should that be taken meanwhile); the others join through the port it
   * actually bound, and bind one of the OS's choosing (Hazelcast then warns that "some of the ports
   * seem occupied": it only compares with the seed port 0).
   */
  @BeforeEach
  void joinTheCluster() throws Exception {
    TestCertificates certs = TestCertificates.createIn(dir.resolve("certs"));
    String cert = certs.serverCert().toString();
    String key = certs.serverKey().toString();
    String ca = certs.caCert().toString();
    int firstPort = RedisFixture.freePort();
    HazelcastClusterManager first = clusterManager(firstPort, firstPort);
    platform = join(first, cert, key, ca);
    int bound = first.getHazelcastInstance().getCluster().getLocalMember().getAddress().getPort();
    peer = join(clusterManager(0, bound), cert, key, ca);
    rogue = join(clusterManager(0, bound), certs.rogueCert().toString(), certs.rogueKey().toString(),
        certs.rogueCaCert().toString());
  }

  @AfterEach
  void close() throws Exception {
    for (Vertx vertx : nodes) {
      TestVertx.close(vertx);
    }
  }

  private HazelcastClusterManager clusterManager(int clusterPort, int memberPort) throws IOException {
    return ClusterSetup.clusterManager(Map.of("CLUSTER_NAME", clusterName, "CLUSTER_PORT", String.valueOf(clusterPort),
        "CLUSTER_MEMBERS", "127.0.0.1:" + memberPort));
  }

  private Vertx join(HazelcastClusterManager manager, String cert, String key, String ca) {
    PlatformConfig config = PlatformConfig.fromJson(new JsonObject().put("cluster", new JsonObject()
        .put("tls", new JsonObject().put("certPem", cert).put("keyPem", key).put("caPem", ca))));
    EventBusOptions eventBus = EventBusTls.options(config.cluster()).setHost("127.0.0.1");
    Vertx vertx = Await.result(ClusterMembership.buildClustered(
        Vertx.builder().with(TestVertx.options().setEventBusOptions(eventBus)), manager), Duration.ofSeconds(60));
    nodes.add(vertx);
    return vertx;
  }

  @Test
  void aNodeWithoutTheClustersCertificateCanNeitherSendNorReceive(VertxTestContext context) {
    AtomicInteger submitted = new AtomicInteger();
    AtomicInteger handedToRogue = new AtomicInteger();
    List<Future<Message<Object>>> toRogue = new ArrayList<>();
    Future.all(platform.eventBus().<JsonObject>consumer(Addresses.WORKFLOW_SUBMIT, m -> {
          submitted.incrementAndGet();
          m.reply(new JsonObject().put("ok", true));
        }).completion(), rogue.eventBus().<JsonObject>consumer(Addresses.DLQ_DELETE, m -> {
          handedToRogue.incrementAndGet();
          m.reply(new JsonObject().put("deleted", 1000));
        }).completion())
        .compose(v -> peer.eventBus().<JsonObject>request(Addresses.WORKFLOW_SUBMIT, new JsonObject(), SERVED))
        .compose(fromPeer -> {
          context.verify(() -> assertThat(fromPeer.body().getBoolean("ok"))
              .as("a node with the cluster's certificate is served").isTrue());
          return rogue.eventBus().request(Addresses.WORKFLOW_SUBMIT, new JsonObject(), REFUSED)
              .transform(Future::succeededFuture);
        })
        .compose(fromRogue -> {
          context.verify(() -> assertTimedOut(fromRogue));
          for (int i = 0; i < 5; i++) {
            toRogue.add(platform.eventBus().request(Addresses.DLQ_DELETE, new JsonObject().put("tenant", "acme"),
                REFUSED));
          }
          return Future.join(toRogue).otherwiseEmpty();
        })
        .onComplete(context.succeeding(v -> context.verify(() -> {
          toRogue.forEach(EventBusTlsTest::assertTimedOut);
          assertThat(handedToRogue.get()).as("messages the rogue received").isZero();
          assertThat(submitted.get()).as("submits that reached the platform").isEqualTo(1);
          context.completeNow();
        })));
  }

  /** The handler's node is known, but the TLS handshake refuses the connection: no answer comes. */
  private static void assertTimedOut(AsyncResult<?> request) {
    assertThat(request.cause()).as("the request was answered").isInstanceOfSatisfying(ReplyException.class,
        e -> assertThat(e.failureType()).isEqualTo(ReplyFailure.TIMEOUT));
  }
}
