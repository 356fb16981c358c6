package dev.wfgateway.workflow;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class RunStoreHealthTest {
  private final FakeRunStore store = new FakeRunStore();
  private final RunStoreHealth health = new RunStoreHealth(store, Set.of("acme", "globex", "initech"));

  @Test
  void isUpDegradedOrDownByHowManyTenantsTheStoreServes(VertxTestContext test) {
    health.check()
        .compose(v -> {
          assertThat(health.state()).isEqualTo(RunStoreHealth.State.UP);
          store.unreachable.add("globex");
          return health.check();
        })
        .compose(v -> {
          assertThat(health.state()).isEqualTo(RunStoreHealth.State.DEGRADED);
          assertThat(health.describe().getJsonArray("unreachableTenants").getList()).containsExactly("globex");
          store.unreachable.addAll(List.of("acme", "initech"));
          return health.check();
        })
        .compose(v -> {
          assertThat(health.state()).isEqualTo(RunStoreHealth.State.DOWN);
          assertThat(health.describe().getString("store")).isEqualTo("down");
          store.unreachable.clear();
          return health.check();
        })
        .onComplete(test.succeeding(v -> test.verify(() -> {
          assertThat(health.state()).isEqualTo(RunStoreHealth.State.UP);
          assertThat(health.describe().getJsonArray("unreachableTenants")).isEmpty();
          test.completeNow();
        })));
  }

  @Test
  void aNodeWithoutTenantsIsUp(VertxTestContext test) {
    RunStoreHealth empty = new RunStoreHealth(store, Set.of());
    empty.check().onComplete(test.succeeding(v -> test.verify(() -> {
      assertThat(empty.state()).isEqualTo(RunStoreHealth.State.UP);
      test.completeNow();
    })));
  }
}
