package dev.wfgateway.workflow;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wfgateway.common.messages.RunRecord;
import dev.wfgateway.common.messages.SubmitRunRequest;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RunStoreHealthTest {
  /** A store whose probe fails for the tenants in {@link #unreachable}. */
  private static final class FakeStore implements RunStore {
    final Set<String> unreachable = new HashSet<>();

    @Override
    public Future<Void> save(RunRecord run, Duration retention) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Future<Void> create(RunRecord run, SubmitRunRequest request, Duration retention) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Future<RunRecord> find(String tenant, String runId) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Future<Void> probe(String tenant) {
      return unreachable.contains(tenant) ? Future.failedFuture("timeout") : Future.succeededFuture();
    }
  }

  private final FakeStore store = new FakeStore();
  private final RunStoreHealth health = new RunStoreHealth(store, Set.of("acme", "globex", "initech"));

  @Test
  void isUpDegradedOrDownByHowManyTenantsTheStoreServes() {
    assertThat(health.check().succeeded()).isTrue();
    assertThat(health.state()).isEqualTo(RunStoreHealth.State.UP);

    store.unreachable.add("globex");
    health.check();
    assertThat(health.state()).isEqualTo(RunStoreHealth.State.DEGRADED);
    assertThat(health.describe().getJsonArray("unreachableTenants").getList()).containsExactly("globex");

    store.unreachable.addAll(Set.of("acme", "initech"));
    health.check();
    assertThat(health.state()).isEqualTo(RunStoreHealth.State.DOWN);
    assertThat(health.describe().getString("store")).isEqualTo("down");

    store.unreachable.clear();
    health.check();
    assertThat(health.state()).isEqualTo(RunStoreHealth.State.UP);
  }

  @Test
  void aNodeWithoutTenantsIsUp() {
    RunStoreHealth empty = new RunStoreHealth(store, Set.of());
    empty.check();
    assertThat(empty.state()).isEqualTo(RunStoreHealth.State.UP);
  }
}
