package dev.wfgateway.testkit;

import static dev.wfgateway.testkit.Commands.setThenGet;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.RedisRole;
import io.vertx.redis.client.Request;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

@ExtendWith(VertxExtension.class)
class RedisSentinelsTest {
  /** Down after 1 s, then a vote and a promotion: a few seconds. */
  private static final Duration FAILOVER = Duration.ofSeconds(15);

  @RegisterExtension
  static final RedisSentinels sentinels = RedisSentinels.perClass();

  @Test
  void aSentinelClientReachesTheMasterBeforeAndAfterAFailover(Vertx vertx, VertxTestContext context) {
    int first = sentinels.masterPort();

    setThenGet(sentinelClient(vertx), "order", "before").compose(before -> {
      context.verify(() -> assertThat(before).isEqualTo("before"));
      return servingPort(sentinelClient(vertx));
    })
        .compose(served -> {
          context.verify(() -> assertThat(served).isEqualTo(first));
          return vertx.executeBlocking(() -> {
            sentinels.killMaster();
            return sentinels.awaitFailover(FAILOVER);
          });
        })
        .compose(promoted -> {
          Redis redis = sentinelClient(vertx);
          return setThenGet(redis, "order", "after")
              .compose(after -> servingPort(redis).map(served -> {
                context.verify(() -> {
                  assertThat(after).isEqualTo("after");
                  assertThat(promoted).isNotEqualTo(first);
                  assertThat(served).isEqualTo(promoted);
                });
                return served;
              }));
        })
        .onComplete(context.succeedingThenComplete());
  }

  private static Redis sentinelClient(Vertx vertx) {
    return Redis.createClient(vertx, new RedisOptions().setType(RedisClientType.SENTINEL)
        .setEndpoints(sentinels.endpoints()).setMasterName(sentinels.masterName()).setRole(RedisRole.MASTER));
  }

  /** The port of the server the client's commands reach, as that server reports it. */
  private static Future<Integer> servingPort(Redis redis) {
    return redis.send(Request.cmd(Command.INFO).arg("server")).map(info -> info.toString().lines()
        .filter(line -> line.startsWith("tcp_port:"))
        .map(line -> Integer.valueOf(line.substring("tcp_port:".length()).trim()))
        .findFirst().orElseThrow());
  }
}
