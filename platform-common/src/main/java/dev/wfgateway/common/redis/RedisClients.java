package dev.wfgateway.common.redis;

import dev.wfgateway.common.config.RedisConfig;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClientOptions;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisOptions;

/** Builds the Redis client every verticle of the redis backend uses, from configuration. */
public final class RedisClients {
  private RedisClients() {
  }

  public static Redis create(Vertx vertx, RedisConfig config) {
    int connectTimeout = (int) Math.max(100, config.commandTimeout().toMillis() * 4);
    RedisOptions options = new RedisOptions()
        .setType(RedisClientType.valueOf(config.type().toUpperCase(java.util.Locale.ROOT)))
        .setEndpoints(config.endpoints())
        .setMaxPoolSize(config.maxPoolSize())
        .setMaxPoolWaiting(1024)
        .setMaxWaitingHandlers(4096)
        .setNetClientOptions(new NetClientOptions().setConnectTimeout(connectTimeout).setTcpNoDelay(true)
            .setTcpKeepAlive(true));
    return Redis.createClient(vertx, options);
  }
}
