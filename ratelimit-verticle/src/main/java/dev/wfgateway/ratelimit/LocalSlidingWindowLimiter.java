package dev.wfgateway.ratelimit;

import dev.wfgateway.common.config.RatePolicy;
import dev.wfgateway.common.messages.RateLimitDecision;
import dev.wfgateway.common.messages.RateLimitRequest;
import dev.wfgateway.common.ClusterMembership;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.LocalMap;
import io.vertx.core.shareddata.Shareable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

/**
 * The in-memory sliding window: an exact log of consumed units per policy, with the same semantics
 * as the Redis script. Each node enforces its share of every limit, {@code ceil(limit / live
 * nodes)}, so that the cluster as a whole stays near the configured limit.
 *
 * <p>{@link #nodeShared} gives every verticle instance of a node the same limiter: a per-instance
 * one would let N instances allow N times the limit, since the event bus spreads requests over
 * them. The instances run on different event loops, so the windows are guarded by this object's
 * monitor: a check holds it for a few array operations, less than a hop to another event loop and
 * back would cost, and answers on the caller's thread.
 *
 * <p>Memory stays bounded: a log never holds more units than its limit, windows exist only for the
 * configured tenants, routes and policies, and a window idle for longer than its length is dropped
 * by a sweep that runs with the checks (at most once per {@link #SWEEP_INTERVAL_MILLIS}).
 */
final class LocalSlidingWindowLimiter implements SlidingWindowLimiter, Shareable {
  static final long SWEEP_INTERVAL_MILLIS = 1_000;
  private static final String SHARED_MAP = "platform.ratelimit";

  private final LongSupplier clockMillis;
  private final IntSupplier liveNodes;
  private final Map<WindowKey, SlidingLog> logs = new HashMap<>();
  private long lastSweep;

  private record WindowKey(String tenant, String route, String policy) {
  }

  LocalSlidingWindowLimiter(LongSupplier clockMillis, IntSupplier liveNodes) {
    this.clockMillis = clockMillis;
    this.liveNodes = liveNodes;
    this.lastSweep = clockMillis.getAsLong();
  }

  /** The limiter every verticle instance of this node shares, created by the first one to ask. */
  static LocalSlidingWindowLimiter nodeShared(Vertx vertx) {
    LocalMap<String, LocalSlidingWindowLimiter> shared = vertx.sharedData().getLocalMap(SHARED_MAP);
    ClusterMembership membership = ClusterMembership.of(vertx);
    return shared.computeIfAbsent("windows", name -> new LocalSlidingWindowLimiter(
        () -> System.nanoTime() / 1_000_000, () -> Math.max(1, membership.members().size())));
  }

  @Override
  public String mode() {
    return RateLimitDecision.MODE_LOCAL;
  }

  @Override
  public Future<RateLimitDecision> check(RateLimitRequest request, List<RatePolicy> policies) {
    try {
      return Future.succeededFuture(PolicyWindow.decision(evaluate(request, policies, liveNodes.getAsInt()), mode()));
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  /** How many windows are held in memory. */
  synchronized Future<Integer> windowCount() {
    return Future.succeededFuture(logs.size());
  }

  /** Mirrors sliding_window.lua: look at every window first, then consume in all of them or in none. */
  private synchronized List<PolicyWindow> evaluate(RateLimitRequest request, List<RatePolicy> policies, int nodes) {
    long now = clockMillis.getAsLong();
    sweepIdle(now);
    int cost = request.cost();
    List<SlidingLog> windows = new ArrayList<>(policies.size());
    boolean allowed = true;
    for (RatePolicy policy : policies) {
      SlidingLog log = logs.computeIfAbsent(new WindowKey(request.tenant(), request.route(), policy.name()),
          key -> new SlidingLog());
      log.dropUpTo(now - policy.window().toMillis());
      windows.add(log);
      allowed &= log.size() + cost <= share(policy.limit(), nodes);
    }
    List<PolicyWindow> result = new ArrayList<>(policies.size());
    for (int i = 0; i < policies.size(); i++) {
      SlidingLog log = windows.get(i);
      long limit = share(policies.get(i).limit(), nodes);
      long window = policies.get(i).window().toMillis();
      long retry = -1;
      if (allowed) {
        log.append(now, cost, window);
      } else if (log.size() + cost > limit) {
        retry = cost > limit ? window : log.time((int) (log.size() + cost - limit - 1)) + window - now;
      }
      long reset = log.size() == 0 ? 0 : log.time(0) + window - now;
      long remaining = Math.max(0, limit - log.size());
      result.add(new PolicyWindow(policies.get(i).name(), limit, window, remaining, reset, retry));
    }
    return result;
  }

  private static long share(long limit, int nodes) {
    return Math.max(1, (limit + nodes - 1) / nodes);
  }

  private void sweepIdle(long now) {
    if (now - lastSweep >= SWEEP_INTERVAL_MILLIS) {
      lastSweep = now;
      logs.values().removeIf(log -> log.idle(now));
    }
  }
}
