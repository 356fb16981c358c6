package dev.wfgateway.bench;

import dev.wfgateway.testkit.Await;
import dev.wfgateway.testkit.TestVertx;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A guarded Vert.x and the bench's platform configuration (local backend, or Redis when
 * {@code redisUrl} is set), for benchmarks that deploy single verticles by hand rather than a node.
 */
final class ComponentNode implements AutoCloseable {
  final Vertx vertx = Vertx.vertx(TestVertx.options());
  final Path dir;
  final JsonObject config;

  ComponentNode(String redisUrl) throws Exception {
    dir = Files.createTempDirectory("wfgateway-bench");
    config = Await.result(BenchConfig.load(vertx, dir, 1, redisUrl));
  }

  @Override
  public void close() {
    Await.result(vertx.close());
    BenchFiles.deleteTree(dir);
  }
}
