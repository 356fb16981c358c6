package dev.wfgateway.workflow;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Whether this node can serve runs, as its own run store answers it: one probe per tenant, because
 * on Redis Cluster each tenant's keys live on the master of its slot, and one unreachable master
 * takes down some tenants only. {@code up}: every tenant's probe answered; {@code degraded}: some
 * did not; {@code down}: none did. It is the workflow verticle's readiness, so that a node whose
 * store client is broken says so even while a separate PING would still succeed.
 */
final class RunStoreHealth {
  enum State { UP, DEGRADED, DOWN }

  private final RunStore store;
  private final List<String> tenants;
  private final Set<String> unreachable = new TreeSet<>();

  RunStoreHealth(RunStore store, Set<String> tenants) {
    this.store = store;
    this.tenants = List.copyOf(new TreeSet<>(tenants));
  }

  /** Probes every tenant's part of the store; the future always succeeds. */
  Future<Void> check() {
    List<Future<Void>> probes = tenants.stream().map(store::probe).toList();
    return Future.join(probes).transform(done -> {
      for (int i = 0; i < tenants.size(); i++) {
        if (probes.get(i).succeeded()) {
          unreachable.remove(tenants.get(i));
        } else {
          unreachable.add(tenants.get(i));
        }
      }
      return Future.succeededFuture();
    });
  }

  State state() {
    if (unreachable.isEmpty()) {
      return State.UP;
    }
    return unreachable.size() == tenants.size() ? State.DOWN : State.DEGRADED;
  }

  JsonObject describe() {
    return new JsonObject().put("store", state().name().toLowerCase(java.util.Locale.ROOT))
        .put("unreachableTenants", new JsonArray(List.copyOf(unreachable)));
  }
}
