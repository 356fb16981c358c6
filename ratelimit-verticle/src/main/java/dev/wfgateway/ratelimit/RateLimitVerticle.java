package dev.wfgateway.ratelimit;

import dev.wfgateway.common.NodeStatus;
import dev.wfgateway.common.Addresses;
import dev.wfgateway.common.Problem;
import dev.wfgateway.common.ProblemException;
import dev.wfgateway.common.ProblemType;
import dev.wfgateway.common.config.PlatformConfig;
import dev.wfgateway.common.messages.RateLimitRequest;
import dev.wfgateway.common.redis.RedisClients;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.LocalMap;
import io.vertx.redis.client.Redis;
import java.lang.System.Logger.Level;
import java.time.Duration;

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
  private static final System.Logger LOG = System.getLogger(RateLimitVerticle.class.getName());

  private final MeterRegistry registry;
  private MessageConsumer<Object> consumer;
  private MessageConsumer<Object> nodeConsumer;
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
    consumer = vertx.eventBus().consumer(Addresses.RATELIMIT_CHECK, message -> answer(message, tenants));
    nodeConsumer = vertx.eventBus().consumer(Addresses.onNode(Addresses.RATELIMIT_CHECK, NodeStatus.nodeId(vertx)),
        message -> answer(message, tenants));
    return ready.compose(started -> Future.all(consumer.completion(), nodeConsumer.completion()));
  }

  @Override
  public Future<?> stop() {
    if (failover != null) {
      failover.stop();
    }
    Future<Void> unregistered = Future.all(consumer.unregister(), nodeConsumer.unregister()).mapEmpty();
    return redis == null ? unregistered : unregistered.eventually(() -> redis.close());
  }

  private static void answer(Message<Object> message, TenantRateLimiter tenants) {
    request(message.body()).compose(tenants::check).onComplete(
        decision -> message.reply(decision.toJson()),
        failure -> {
          if (!(failure instanceof ProblemException)) {
            LOG.log(Level.ERROR, "rate-limit check failed", failure);
          }
          Problem problem = Problem.fromFailure(failure);
          message.fail(problem.status(), problem.toJson().encode());
        });
  }

  private static Future<RateLimitRequest> request(Object body) {
    if (body instanceof JsonObject json) {
      return Future.succeededFuture(json).map(RateLimitRequest::fromJson);
    }
    return Future.failedFuture(new ProblemException(ProblemType.BAD_REQUEST.problem("The body must be a JSON object")));
  }
}
