package dev.wfgateway.testkit;

import static dev.wfgateway.testkit.Commands.setThenGet;
import static org.assertj.core.api.Assertions.assertThat;

import dev.wfgateway.testkit.RedisCluster.Node;
import dev.wfgateway.testkit.RedisCluster.Role;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Each test leaves three masters with a replica each, whatever the order. */
@ExtendWith(VertxExtension.class)
class RedisClusterTest {
  /** A failover takes about twice the 2 s node timeout. */
  private static final Duration FAILOVER = Duration.ofSeconds(10);

  @RegisterExtension
  static final RedisCluster cluster = RedisCluster.perClass();

  @Test
  void formsThreeMastersWithAReplicaEach() {
    List<Node> nodes = cluster.nodes();

    assertThat(nodes).hasSize(6);
    assertThat(cluster.endpoints()).hasSize(6).allMatch(endpoint -> endpoint.startsWith("redis://127.0.0.1:"));
    List<Node> masters = nodes.stream().filter(n -> n.role() == Role.MASTER).toList();
    assertThat(masters).hasSize(3);
    assertThat(masters.stream().map(cluster::replicaOf))
        .allMatch(replica -> replica.role() == Role.REPLICA)
        .doesNotHaveDuplicates();
  }

  @Test
  void aClusterClientSetsAndGetsKeysOnEveryMaster(Vertx vertx, VertxTestContext context) {
    List<String> keys = oneKeyPerMaster();
    Redis redis = clusterClient(vertx, cluster.endpoints());

    Future.all(keys.stream().map(key -> setThenGet(redis, key, "value of " + key)).toList())
        .onComplete(context.succeeding(values -> context.verify(() -> {
          assertThat(values.<String>list()).containsExactlyElementsOf(keys.stream().map(k -> "value of " + k).toList());
          context.completeNow();
        })));
  }

  @Test
  void aKilledMastersKeyIsServedAgainByItsPromotedReplica(Vertx vertx, VertxTestContext context) {
    String key = "run:{killed}";
    Node master = cluster.masterForKey(key);
    Node replica = cluster.replicaOf(master);
    Redis redis = clusterClient(vertx, cluster.endpoints());

    setThenGet(redis, key, "before")
        .compose(before -> vertx.executeBlocking(() -> {
          cluster.kill(master);
          return cluster.awaitMasterOfKeyChanged(key, master, FAILOVER);
        }))
        .compose(promoted -> setThenGet(redis, key, "after").map(after -> {
          context.verify(() -> {
            assertThat(promoted.port()).isEqualTo(replica.port());
            assertThat(after).isEqualTo("after");
          });
          return promoted;
        }))
        .eventually(() -> vertx.executeBlocking(() -> {
          cluster.restart(master);
          return null;
        }))
        .onComplete(expectReplicaOfPromoted(master, vertx, context));
  }

  /**
   * The client here knows only the promoted master: a cluster client seeded with the paused node
   * would wait for it forever, as a stopped process's kernel still accepts connections.
   */
  @Test
  void aPausedMasterIsReplacedAndRejoinsAsAReplicaWhenResumed(Vertx vertx, VertxTestContext context) {
    String key = "run:{paused}";
    Node master = cluster.masterForKey(key);

    vertx.executeBlocking(() -> {
      cluster.pause(master);
      return cluster.awaitMasterOfKeyChanged(key, master, FAILOVER);
    })
        .compose(promoted -> setThenGet(clusterClient(vertx, List.of(promoted.endpoint())), key, "while paused")
            .map(value -> {
              context.verify(() -> assertThat(value).isEqualTo("while paused"));
              return promoted;
            }))
        .eventually(() -> vertx.executeBlocking(() -> {
          cluster.resume(master);
          cluster.awaitReady(FAILOVER);
          return null;
        }))
        .onComplete(expectReplicaOfPromoted(master, vertx, context));
  }

  /** Given the promoted node, completes the test once the node it replaced is its replica. */
  private static Handler<AsyncResult<Node>> expectReplicaOfPromoted(Node replaced, Vertx vertx,
      VertxTestContext context) {
    return context.succeeding(promoted -> vertx.executeBlocking(() -> cluster.replicaOf(promoted))
        .onComplete(context.succeeding(replica -> context.verify(() -> {
          assertThat(replica.port()).as("the replaced master replicates the promoted one").isEqualTo(replaced.port());
          context.completeNow();
        }))));
  }

  private static Redis clusterClient(Vertx vertx, List<String> endpoints) {
    return Redis.createClient(vertx, new RedisOptions().setType(RedisClientType.CLUSTER).setEndpoints(endpoints));
  }
  /** Keys whose slots belong to three different masters. */
  private static List<String> oneKeyPerMaster() {
    List<String> keys = new ArrayList<>();
    Set<Integer> masters = new HashSet<>();
    for (int i = 0; masters.size() < 3; i++) {
      String key = "tenant-" + i + ":counter";
      if (masters.add(cluster.masterForKey(key).port())) {
        keys.add(key);
      }
    }
    return keys;
  }
}
