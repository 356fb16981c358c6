package dev.wfgateway.workflow;

import dev.wfgateway.common.redis.GroupCommit;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * The active-run registry of a cluster on the Redis backend: one hash per tenant,
 * {@code runs:active:{tenant}} (runId → {@link ActiveRunEntry}), beside the tenant's run records in
 * the same hash slot. Its writes go through the run store's {@link GroupCommit}: a run's entry
 * leaves in the same pipeline as, and just before, its first record, so registering a run costs
 * no round trip of its own. A survivor claims an orphan with {@code HDEL}: the one whose
 * {@code HDEL} removed the field adopts it.
 */
final class RedisActiveRuns implements ActiveRuns {
  private static final Logger LOG = Logger.getLogger(RedisActiveRuns.class.getName());

  private final GroupCommit writes;
  private final String nodeId;
  private final Collection<String> tenants;
  private final Supplier<Set<String>> members;
  private final OrphanScan scan = new OrphanScan();
  /** The tenant of each run this node registered, to remove its entry when it ends. */
  private final Map<String, String> mine = new HashMap<>();

  RedisActiveRuns(GroupCommit writes, String nodeId, Collection<String> tenants, Supplier<Set<String>> members) {
    this.writes = writes;
    this.nodeId = nodeId;
    this.tenants = tenants;
    this.members = members;
  }

  static String key(String tenant) {
    return "runs:active:{" + tenant + "}";
  }

  /** Queues the entry and answers at once: the run's record, written next, then rides in the same pipeline. */
  @Override
  public Future<Void> register(RunContext context, String runId, String adoptedFrom) {
    String tenant = context.request().tenant();
    mine.put(runId, tenant);
    String entry = new ActiveRunEntry(nodeId, context.request(), context.traceparent(), adoptedFrom).encode();
    writes.send(tenant, Request.cmd(Command.HSET).arg(key(tenant)).arg(runId).arg(entry))
        .onFailure(e -> LOG.warning("active-run registry: could not register run " + runId + ": " + e.getMessage()));
    return Future.succeededFuture();
  }

  @Override
  public void ended(String runId) {
    String tenant = mine.remove(runId);
    if (tenant != null) {
      writes.send(tenant, Request.cmd(Command.HDEL).arg(key(tenant)).arg(runId))
          .onFailure(e -> LOG.warning("could not clear active run " + runId + ": " + e.getMessage()));
    }
  }

  @Override
  public Future<Void> reap(Adopter adopter) {
    Set<String> live = members.get();
    if (!scan.due(live)) {
      return Future.succeededFuture();
    }
    return Future.join(tenants.stream().map(tenant -> reap(tenant, live, adopter)).toList()).mapEmpty();
  }

  private Future<Void> reap(String tenant, Set<String> live, Adopter adopter) {
    return writes.send(tenant, Request.cmd(Command.HGETALL).arg(key(tenant))).compose(all -> {
      List<Future<Void>> claims = new java.util.ArrayList<>();
      for (String runId : all.getKeys()) {
        ActiveRunEntry entry = ActiveRunEntry.decode(all.get(runId).toString());
        if (!live.contains(entry.node())) {
          claims.add(claim(tenant, runId).map(won -> {
            if (won) {
              adopter.adopt(entry.request(), runId, entry.traceparent(), entry.node());
            } // else another survivor took it
            return null;
          }));
        }
      }
      return Future.join(claims).mapEmpty();
    });
  }

  private Future<Boolean> claim(String tenant, String runId) {
    return writes.send(tenant, Request.cmd(Command.HDEL).arg(key(tenant)).arg(runId))
        .map(Response::toInteger).map(removed -> removed == 1);
  }
}
