package dev.wfgateway.ratelimit;

import dev.wfgateway.common.config.RatePolicy;
import dev.wfgateway.common.messages.RateLimitDecision;
import dev.wfgateway.common.messages.RateLimitRequest;
import dev.wfgateway.common.redis.LuaScript;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Future;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The sliding window kept in Redis, shared by every node: one script call per check evaluates all
 * the route's policies atomically (see {@code sliding_window.lua}). Every call is bounded by the
 * command timeout, so a hung server costs at most that long.
 */
final class RedisSlidingWindowLimiter implements SlidingWindowLimiter {
  private static final LuaScript SLIDING_WINDOW =
      LuaScript.fromResource(RedisSlidingWindowLimiter.class, "sliding_window.lua");

  private final Redis redis;
  private final long timeoutMillis;
  private final Timer scriptTimer;
  private final LongSupplier clock;

  /** Windows on the Redis server's clock: one clock for every node, whatever their own say. */
  RedisSlidingWindowLimiter(Redis redis, Duration commandTimeout, Timer scriptTimer) {
    this(redis, commandTimeout, scriptTimer, null);
  }

  /** Windows on {@code clock} (epoch ms) instead, for tests that move time by hand. */
  RedisSlidingWindowLimiter(Redis redis, Duration commandTimeout, Timer scriptTimer, LongSupplier clock) {
    this.redis = redis;
    this.timeoutMillis = commandTimeout.toMillis();
    this.scriptTimer = scriptTimer;
    this.clock = clock;
  }

  /** {@code rl:{tenant}:{route}:{policy}}: the braces are Redis Cluster's hash tag, one slot per tenant. */
  static String key(String tenant, String route, String policy) {
    return "rl:{" + tenant + "}:" + route + ":" + policy;
  }

  @Override
  public String mode() {
    return RateLimitDecision.MODE_REDIS;
  }

  @Override
  public Future<RateLimitDecision> check(RateLimitRequest request, List<RatePolicy> policies) {
    List<String> keys = new ArrayList<>(policies.size());
    List<String> args = new ArrayList<>(3 + 2 * policies.size());
    args.add(Integer.toString(request.cost()));
    args.add(Long.toHexString(ThreadLocalRandom.current().nextLong()));
    args.add(clock == null ? "" : Long.toString(clock.getAsLong()));
    for (RatePolicy policy : policies) {
      keys.add(key(request.tenant(), request.route(), policy.name()));
      args.add(Long.toString(policy.limit()));
      args.add(Long.toString(policy.window().toMillis()));
    }
    long start = System.nanoTime();
    return SLIDING_WINDOW.run(redis, keys, args)
        .timeout(timeoutMillis, TimeUnit.MILLISECONDS)
        .onComplete(done -> scriptTimer.record(System.nanoTime() - start, TimeUnit.NANOSECONDS))
        .map(reply -> PolicyWindow.decision(windows(policies, reply), mode()));
  }

  /**
   * Succeeds when Redis runs the script (with no policy: it only reads the time) within the
   * command timeout. Better than a PING: it proves scripting works and loads the script.
   */
  Future<Void> probe() {
    return probe(Duration.ofMillis(timeoutMillis));
  }

  Future<Void> probe(Duration timeout) {
    return SLIDING_WINDOW.run(redis, List.of(), List.of("1", "probe", ""))
        .timeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
        .mapEmpty();
  }

  private static List<PolicyWindow> windows(List<RatePolicy> policies, Response reply) {
    List<PolicyWindow> windows = new ArrayList<>(policies.size());
    for (int i = 0; i < policies.size(); i++) {
      RatePolicy policy = policies.get(i);
      windows.add(new PolicyWindow(policy.name(), policy.limit(), policy.window().toMillis(),
          reply.get(3 * i).toLong(), reply.get(3 * i + 1).toLong(), reply.get(3 * i + 2).toLong()));
    }
    return windows;
  }
}
