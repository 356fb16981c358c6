package dev.wfgateway.ratelimit;

import dev.wfgateway.common.config.RatePolicy;
import dev.wfgateway.common.messages.RateLimitDecision;
import dev.wfgateway.common.messages.RateLimitRequest;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.PromiseInternal;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.shareddata.LocalMap;
import io.vertx.core.shareddata.Shareable;
import io.vertx.core.spi.cluster.ClusterManager;
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
 * <p>The windows live on one event-loop context of their own and are touched only there, so they
 * need no locks; {@link #check} hops onto that context and back. {@link #nodeShared} gives every
 * verticle instance of a node the same limiter: a per-instance one would let N instances allow N
 * times the limit, since the event bus spreads requests over them.
 *
 * <p>Memory stays bounded: a log never holds more units than its limit, windows exist only for the
 * configured tenants, routes and policies, and a window idle for longer than its length is dropped
 * by a sweep that runs with the checks (at most once per {@link #SWEEP_INTERVAL_MILLIS}).
 */
final class LocalSlidingWindowLimiter implements SlidingWindowLimiter, Shareable {
  static final long SWEEP_INTERVAL_MILLIS = 1_000;
  private static final String SHARED_MAP = "platform.ratelimit";

  private final VertxInternal vertx;
  private final ContextInternal owner;
  private final LongSupplier clockMillis;
  private final IntSupplier liveNodes;
  private final Map<WindowKey, SlidingLog> logs = new HashMap<>();
  private long lastSweep;

  private record WindowKey(String tenant, String route, String policy) {
  }

  LocalSlidingWindowLimiter(Vertx vertx, LongSupplier clockMillis, IntSupplier liveNodes) {
    this.vertx = (VertxInternal) vertx;
    this.owner = this.vertx.createEventLoopContext();
    this.clockMillis = clockMillis;
    this.liveNodes = liveNodes;
    this.lastSweep = clockMillis.getAsLong();
  }

  /** The limiter every verticle instance of this node shares, created by the first one to ask. */
  static LocalSlidingWindowLimiter nodeShared(Vertx vertx) {
    LocalMap<String, LocalSlidingWindowLimiter> shared = vertx.sharedData().getLocalMap(SHARED_MAP);
    return shared.computeIfAbsent("windows", name ->
        new LocalSlidingWindowLimiter(vertx, () -> System.nanoTime() / 1_000_000, () -> liveNodes(vertx)));
  }

  private static int liveNodes(Vertx vertx) {
    ClusterManager cluster = ((VertxInternal) vertx).clusterManager();
    return cluster == null ? 1 : Math.max(1, cluster.getNodes().size());
  }

  @Override
  public String mode() {
    return RateLimitDecision.MODE_LOCAL;
  }

  @Override
  public Future<RateLimitDecision> check(RateLimitRequest request, List<RatePolicy> policies) {
    PromiseInternal<RateLimitDecision> reply = vertx.getOrCreateContext().promise();
    owner.execute(() -> {
      try {
        reply.complete(PolicyWindow.decision(evaluate(request, policies), mode()));
      } catch (RuntimeException e) {
        reply.fail(e);
      }
    });
    return reply.future();
  }

  /** How many windows are held in memory. */
  Future<Integer> windowCount() {
    PromiseInternal<Integer> count = vertx.getOrCreateContext().promise();
    owner.execute(() -> count.complete(logs.size()));
    return count.future();
  }

  /** Mirrors sliding_window.lua: look at every window first, then consume in all of them or in none. */
  private List<PolicyWindow> evaluate(RateLimitRequest request, List<RatePolicy> policies) {
    long now = clockMillis.getAsLong();
    sweepIdle(now);
    int nodes = liveNodes.getAsInt();
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
