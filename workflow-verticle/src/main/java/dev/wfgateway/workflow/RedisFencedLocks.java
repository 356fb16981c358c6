package dev.wfgateway.workflow;

import dev.wfgateway.common.ProblemException;
import dev.wfgateway.common.ProblemType;
import dev.wfgateway.common.redis.LuaScript;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Redis backend: {@code SET NX PX} plus {@code INCR} of a fencing token in one script, a lease
 * renewed every ttl/3 by compare-owner {@code PEXPIRE}, released by compare-and-delete. A lease
 * that cannot be renewed before it would have expired is marked lost, and counted.
 */
final class RedisFencedLocks implements RunLocks {
  private static final LuaScript ACQUIRE = LuaScript.fromResource(RedisFencedLocks.class, "lock_acquire.lua");
  private static final LuaScript RENEW = LuaScript.fromResource(RedisFencedLocks.class, "lock_renew.lua");
  private static final LuaScript RELEASE = LuaScript.fromResource(RedisFencedLocks.class, "compare_and_delete.lua");
  private static final long MAX_POLL_MILLIS = 200;

  private final Vertx vertx;
  private final Redis redis;
  private final long timeoutMillis;
  private final Counter leasesLost;

  RedisFencedLocks(Vertx vertx, Redis redis, Duration commandTimeout, Counter leasesLost) {
    this.vertx = vertx;
    this.redis = redis;
    this.timeoutMillis = commandTimeout.toMillis();
    this.leasesLost = leasesLost;
  }

  @Override
  public Future<LockLease> acquire(String tenant, String key, String owner, Duration ttl, Duration maxWait) {
    List<String> keys = List.of("lock:{" + tenant + "}:" + key, "fence:{" + tenant + "}:" + key);
    Promise<LockLease> promise = Promise.promise();
    attempt(keys, owner, ttl, System.nanoTime() + maxWait.toNanos(), 10, promise);
    return promise.future();
  }

  private void attempt(List<String> keys, String owner, Duration ttl, long deadline, long pollMillis,
      Promise<LockLease> promise) {
    ACQUIRE.run(redis, keys, List.of(owner, String.valueOf(ttl.toMillis())))
        .timeout(timeoutMillis, TimeUnit.MILLISECONDS)
        .onFailure(e -> promise.fail(new ProblemException(ProblemType.DEPENDENCY_UNAVAILABLE
            .problem("The lock store is unavailable; the run was not started").with("retryAfterSeconds", 1))))
        .onSuccess(response -> {
          long token = response.toLong();
          if (token > 0) {
            promise.complete(new Lease(keys.get(0), owner, ttl, token));
            return;
          }
          long now = System.nanoTime();
          if (now >= deadline) {
            promise.fail(new ProblemException(ProblemType.LOCK_CONTENDED
                .problem("Another run holds the lock for this key").with("retryAfterSeconds", 1)));
            return;
          }
          long wait = Math.min(TimeUnit.NANOSECONDS.toMillis(deadline - now) + 1,
              pollMillis / 2 + ThreadLocalRandom.current().nextLong(pollMillis / 2 + 1));
          vertx.setTimer(Math.max(1, wait), id -> attempt(keys, owner, ttl, deadline,
              Math.min(MAX_POLL_MILLIS, pollMillis * 2), promise));
        });
  }

  private final class Lease implements LockLease {
    private final String key;
    private final String owner;
    private final Duration ttl;
    private final long token;
    private final long renewTimer;
    private long lastRenewedNanos = System.nanoTime();
    private boolean lost;
    private boolean released;

    Lease(String key, String owner, Duration ttl, long token) {
      this.key = key;
      this.owner = owner;
      this.ttl = ttl;
      this.token = token;
      this.renewTimer = vertx.setPeriodic(Math.max(1, ttl.toMillis() / 3), id -> renew());
    }

    private void renew() {
      RENEW.run(redis, List.of(key), List.of(owner, String.valueOf(ttl.toMillis())))
          .timeout(timeoutMillis, TimeUnit.MILLISECONDS)
          .onComplete(ar -> {
            if (released || lost) {
              return;
            }
            if (ar.succeeded() && ar.result().toLong() == 1) {
              lastRenewedNanos = System.nanoTime();
            } else if (ar.succeeded() || System.nanoTime() - lastRenewedNanos >= ttl.toNanos()) {
              markLost();
            }
          });
    }

    private void markLost() {
      lost = true;
      leasesLost.increment();
      vertx.cancelTimer(renewTimer);
    }

    @Override
    public long fencingToken() {
      return token;
    }

    /**
     * Asked before every step. Two renewals in a row that did not happen (a starved node, a Redis
     * that stopped answering) leave less than a third of the lease: too little to start a step
     * that another run might then overlap, so the lease counts as lost already.
     */
    @Override
    public boolean lost() {
      if (!lost && !released && System.nanoTime() - lastRenewedNanos >= ttl.toNanos() * 2 / 3) {
        markLost();
      }
      return lost;
    }

    @Override
    public Future<Void> release() {
      if (released) {
        return Future.succeededFuture();
      }
      released = true;
      vertx.cancelTimer(renewTimer);
      return RELEASE.run(redis, List.of(key), List.of(owner)).timeout(timeoutMillis, TimeUnit.MILLISECONDS)
          .<Void>mapEmpty().recover(e -> Future.succeededFuture()); // the lease TTL frees it anyway
    }
  }
}
