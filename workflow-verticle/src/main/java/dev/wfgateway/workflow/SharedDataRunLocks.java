package dev.wfgateway.workflow;

import dev.wfgateway.common.ProblemException;
import dev.wfgateway.common.ProblemType;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.Lock;
import java.time.Duration;

/**
 * Local backend: Vert.x shared-data locks (cluster-wide under Hazelcast, freed when the holder's
 * node leaves) with a shared counter as fencing token. The lease cannot be lost while the node lives.
 */
final class SharedDataRunLocks implements RunLocks {
  private final Vertx vertx;

  SharedDataRunLocks(Vertx vertx) {
    this.vertx = vertx;
  }

  @Override
  public Future<LockLease> acquire(String tenant, String key, String owner, Duration ttl, Duration maxWait) {
    String name = "lock:{" + tenant + "}:" + key;
    return vertx.sharedData().getLockWithTimeout(name, maxWait.toMillis())
        .recover(timeout -> Future.failedFuture(new ProblemException(ProblemType.LOCK_CONTENDED
            .problem("Another run holds the lock for this key").with("retryAfterSeconds", 1))))
        .compose(lock -> vertx.sharedData().getCounter("fence:{" + tenant + "}:" + key)
            .compose(counter -> counter.incrementAndGet())
            .<LockLease>map(token -> new Held(lock, token))
            .onFailure(e -> lock.release()));
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
