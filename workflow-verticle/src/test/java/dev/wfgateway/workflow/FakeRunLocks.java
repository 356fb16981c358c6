package dev.wfgateway.workflow;

import dev.wfgateway.common.ProblemException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Locks granted at once with growing fencing tokens, unless the test refuses the next acquire or
 * holds it back ({@link #holdNext}) to grant it later.
 */
final class FakeRunLocks implements RunLocks {
  /** A lease whose loss the test decides. */
  static final class Lease implements LockLease {
    private final long token;
    boolean lost;
    int releases;

    Lease(long token) {
      this.token = token;
    }

    @Override
    public long fencingToken() {
      return token;
    }

    @Override
    public boolean lost() {
      return lost;
    }

    @Override
    public Future<Void> release() {
      releases++;
      return Future.succeededFuture();
    }
  }

  final List<Lease> granted = new ArrayList<>();
  /** The owner of each acquire, in order. */
  final List<String> owners = new ArrayList<>();
  private ProblemException refusal;
  private Promise<LockLease> held;
  private long nextToken = 100;

  void refuseNext(ProblemException why) {
    refusal = why;
  }

  /** The next acquire waits until {@link #grantHeld}. */
  void holdNext() {
    held = Promise.promise();
  }

  Lease grantHeld() {
    Lease lease = new Lease(nextToken++);
    granted.add(lease);
    held.complete(lease);
    return lease;
  }

  @Override
  public Future<LockLease> acquire(String tenant, String key, String owner, Duration ttl, Duration maxWait) {
    owners.add(owner);
    if (refusal != null) {
      ProblemException why = refusal;
      refusal = null;
      return Future.failedFuture(why);
    }
    if (held != null) {
      return held.future();
    }
    Lease lease = new Lease(nextToken++);
    granted.add(lease);
    return Future.succeededFuture(lease);
  }
}
