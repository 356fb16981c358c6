package dev.wfgateway.common.redis;

import dev.wfgateway.common.config.RedisConfig;
import dev.wfgateway.common.config.TlsConfig;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.RedisRole;
import java.util.Locale;

/** Builds the Redis client every verticle of the redis backend uses, from configuration. */
public final class RedisClients {
  private RedisClients() {
  }

  public static Redis create(Vertx vertx, RedisConfig config) {
    Redis client = Redis.createClient(vertx, options(config));
    return "cluster".equals(config.type())
        ? new HeldClusterConnection(client, config.commandTimeout().toMillis()) : client;
  }

  static RedisOptions options(RedisConfig config) {
    int connectTimeout = (int) Math.max(100, config.commandTimeout().toMillis() * 4);
    NetClientOptions net = new NetClientOptions().setConnectTimeout(connectTimeout).setTcpNoDelay(true)
        .setTcpKeepAlive(true);
    if (config.usesTls()) {
      tls(net, config.tls());
    }
    RedisOptions options = new RedisOptions()
        .setType(RedisClientType.valueOf(config.type().toUpperCase(Locale.ROOT)))
        .setEndpoints(config.endpoints())
        .setMaxPoolSize(config.maxPoolSize())
        .setMaxPoolWaiting(1024)
        .setMaxWaitingHandlers(4096)
        .setNetClientOptions(net);
    if (options.getType() == RedisClientType.SENTINEL) {
      options.setMasterName(config.masterName()).setRole(RedisRole.MASTER);
    }
    return options;
  }

  /**
   * {@code rediss://}: the server's certificate must chain to {@code tls.caPem} (or to the JVM's
   * trusted CAs without it) and, unless turned off, name the host of the endpoint.
   */
  private static void tls(NetClientOptions net, TlsConfig tls) {
    boolean verifyHost = tls == null || tls.hostnameVerification();
    net.setSsl(true).setHostnameVerificationAlgorithm(verifyHost ? "HTTPS" : "");
    if (tls == null) {
      return;
    }
    if (tls.caPem() != null) {
      net.setTrustOptions(new PemTrustOptions().addCertPath(tls.caPem()));
    }
    if (tls.certPem() != null) {
      net.setKeyCertOptions(new PemKeyCertOptions().setCertPath(tls.certPem()).setKeyPath(tls.keyPem()));
    }
  }
}
