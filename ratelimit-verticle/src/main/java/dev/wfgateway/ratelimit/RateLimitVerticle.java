package dev.wfgateway.ratelimit;

import dev.wfgateway.common.NodeStatus;
import dev.wfgateway.common.Addresses;
import dev.wfgateway.common.config.PlatformConfig;
import dev.wfgateway.common.redis.RedisClients;
import dev.wfgateway.common.service.RateLimitService;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.shareddata.LocalMap;
import io.vertx.redis.client.Redis;
import java.time.Duration;
import java.util.List;

/**
 * Serves {@link Addresses#RATELIMIT_CHECK}. Its config is the whole platform configuration; with
 * the redis backend the windows live in Redis (local windows while Redis is down), otherwise in
 * this node's memory. The mode in force is kept under {@link NodeStatus#RATELIMIT_MODE} in the node-local map
 * {@link NodeStatus#MAP}, for readiness checks.
 */
public final class RateLimitVerticle extends VerticleBase {
  private static final Duration PROBE_INTERVAL = Duration.ofSeconds(1);
  /** The first call to Redis also connects (and, on a cold JVM, loads classes): it may take longer. */
  private static final Duration FIRST_CALL_TIMEOUT = Duration.ofSeconds(2);

  private final MeterRegistry registry;
  private List<MessageConsumer<Object>> consumers = List.of();
  private Redis redis;
  private FailoverLimiter failover;

  public RateLimitVerticle(MeterRegistry registry) {
    this.registry = registry;
  }

  @Override
  public Future<?> start() {
    PlatformConfig config = PlatformConfig.fromJson(config());
    LocalMap<String, Object> status = vertx.sharedData().getLocalMap(NodeStatus.MAP);
    RateLimitMetrics metrics = new RateLimitMetrics(registry, status, NodeStatus.RATELIMIT_MODE);
    SlidingWindowLimiter local = LocalSlidingWindowLimiter.nodeShared(vertx);
    SlidingWindowLimiter limiter = local;
    Future<Void> ready = Future.succeededFuture();
    if (config.redisBackend()) {
      redis = RedisClients.create(vertx, config.redis());
      failover = new FailoverLimiter(vertx,
          new RedisSlidingWindowLimiter(redis, config.redis().commandTimeout(), metrics.scriptTimer()), local,
          PROBE_INTERVAL, registry, mode -> status.put(NodeStatus.RATELIMIT_MODE, mode));
      limiter = failover;
      ready = failover.start(FIRST_CALL_TIMEOUT);
    } else {
      status.put(NodeStatus.RATELIMIT_MODE, local.mode());
    }
    TenantRateLimiter tenants = new TenantRateLimiter(config.tenants(), limiter, metrics);
    consumers = RateLimitService.bind(vertx.eventBus(), NodeStatus.nodeId(vertx), tenants::check);
    return ready.compose(started -> Future.all(consumers.stream().map(MessageConsumer::completion).toList()));
  }

  @Override
  public Future<?> stop() {
    if (failover != null) {
      failover.stop();
    }
    Future<Void> unregistered = Future.all(consumers.stream().map(MessageConsumer::unregister).toList()).mapEmpty();
    return redis == null ? unregistered : unregistered.eventually(() -> redis.close());
  }
}
