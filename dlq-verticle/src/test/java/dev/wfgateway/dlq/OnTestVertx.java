package dev.wfgateway.dlq;

import dev.wfgateway.testkit.TestVertx;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A test on the Vert.x JUnit 5 extension with a Vert.x of its own for each test method, made by
 * {@link TestVertx} (blocked-thread checker armed) and closed after it, failing on any block.
 */
@ExtendWith(VertxExtension.class)
abstract class OnTestVertx {
  Vertx vertx;

  @BeforeEach
  final void createVertx() {
    vertx = TestVertx.create();
  }

  @AfterEach
  final void closeVertx() throws Exception {
    TestVertx.close(vertx);
  }

  /** Runs the block in one turn of a context of its own; a failed assertion fails the test. */
  void onContext(VertxTestContext testContext, VertxTestContext.ExecutionBlock block) {
    vertx.runOnContext(v -> testContext.verify(block));
  }
}
