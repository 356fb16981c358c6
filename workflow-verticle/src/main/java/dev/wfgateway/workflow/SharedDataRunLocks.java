package dev.wfgateway.workflow;

import dev.wfgateway.common.ProblemException;
import dev.wfgateway.common.ProblemType;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.Counter;
import io.vertx.core.shareddata.Lock;
import java.time.Clock;
import java.time.Duration;

/**
 * Local backend: Vert.x shared-data locks (cluster-wide under Hazelcast, freed when the holder's
 * node leaves) with a shared counter as fencing token. The lease cannot be lost while the node lives.
 *
 * <p>The counters live in memory, so a restarted node (or a cluster that lost them all) would
 * count from 1 again and a downstream that refuses smaller tokens would refuse it. As on Redis, a
 * token is therefore never below the clock: the larger of the counter's next value and the time
 * in microseconds (ms × 1000), which has moved on since any token of the previous process. The
 * token is issued while the lock is held, so no other run of the key takes one meanwhile.
 */
final class SharedDataRunLocks implements RunLocks {
  private final Vertx vertx;
  private final Clock clock;

  SharedDataRunLocks(Vertx vertx, Clock clock) {
    this.vertx = vertx;
    this.clock = clock;
  }

  @Override
  public Future<LockLease> acquire(String tenant, String key, String owner, Duration ttl, Duration maxWait) {
    String name = "lock:{" + tenant + "}:" + key;
    return vertx.sharedData().getLockWithTimeout(name, maxWait.toMillis())
        .recover(timeout -> Future.failedFuture(new ProblemException(ProblemType.LOCK_CONTENDED
            .problem("Another run holds the lock for this key").with("retryAfterSeconds", 1))))
        .compose(lock -> vertx.sharedData().getCounter("fence:{" + tenant + "}:" + key)
            .compose(this::nextToken)
            .<LockLease>map(token -> new Held(lock, token))
            .onFailure(e -> lock.release()));
  }

  private Future<Long> nextToken(Counter counter) {
    long floor = clock.millis() * 1000;
    return counter.incrementAndGet().compose(next -> next >= floor ? Future.succeededFuture(next)
        : counter.compareAndSet(next, floor).map(floor));
  }

  private record Held(Lock lock, long fencingToken) implements LockLease {
    @Override
    public boolean lost() {
      return false;
    }

    @Override
    public Future<Void> release() {
      lock.release();
      return Future.succeededFuture();
    }
  }
}
