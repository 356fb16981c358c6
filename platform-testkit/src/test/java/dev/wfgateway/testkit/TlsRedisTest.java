package dev.wfgateway.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import java.nio.file.Path;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

@ExtendWith(VertxExtension.class)
class TlsRedisTest {
  @RegisterExtension
  static final TlsRedis redis = TlsRedis.perClass();

  @Test
  void aClientTrustingTheServersCaPings(Vertx vertx, VertxTestContext context) {
    client(vertx, redis.caPem()).send(Request.cmd(Command.PING))
        .onComplete(context.succeeding(pong -> context.verify(() -> {
          assertThat(pong.toString()).isEqualTo("PONG");
          context.completeNow();
        })));
  }

  @Test
  void aClientTrustingAnotherCaFailsTheHandshake(Vertx vertx, VertxTestContext context) {
    client(vertx, redis.wrongCaPem()).send(Request.cmd(Command.PING))
        .onComplete(context.failing(failure -> context.verify(() -> {
          assertThat(failure).hasCauseInstanceOf(SSLHandshakeException.class);
          context.completeNow();
        })));
  }

  private static Redis client(Vertx vertx, Path trustedCa) {
    return Redis.createClient(vertx, new RedisOptions().setConnectionString(redis.url())
        .setNetClientOptions(new NetClientOptions().setSsl(true).setHostnameVerificationAlgorithm("HTTPS")
            .setTrustOptions(new PemTrustOptions().addCertPath(trustedCa.toString()))));
  }
}
