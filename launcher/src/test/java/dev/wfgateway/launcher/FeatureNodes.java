package dev.wfgateway.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wfgateway.common.Addresses;
import dev.wfgateway.testkit.Await;
import dev.wfgateway.testkit.RedisFixture;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;

/**
 * For the tests of DESIGN.md section 7b: a {@link Downstream} and the platform twice over, on the
 * local backend and on a Redis of its own, both configured with the tenants of
 * {@link ConfiguredPlatform} and the test class's workflows, whose YAML is given the downstream's
 * base URL. Per class: {@code static final PerClass<FeatureNodes> nodes = PerClass.of(dir ->
 * FeatureNodes.start(dir, downstream, url -> "..."))}; a test parameterized over {@link Backend}
 * then runs the same on both.
 */
final class FeatureNodes implements AutoCloseable {
  enum Backend { LOCAL, REDIS }

  /** One platform node, spoken to as tenant acme. */
  static final class Node {
    final RunningPlatform platform;

    private Node(RunningPlatform platform) {
      this.platform = platform;
    }

    private HttpRequest<Buffer> acme(HttpMethod method, String path) {
      return platform.request(method, path).putHeader("Authorization", "Bearer " + ConfiguredPlatform.ACME_KEY);
    }

    /** A sync run over HTTP, answered once it ends. */
    HttpResponse<Buffer> run(String workflow, JsonObject input) {
      return Await.result(acme(HttpMethod.POST, "/v1/workflows/" + workflow + "/runs")
          .putHeader("Content-Type", "application/json")
          .sendBuffer(Buffer.buffer(new JsonObject().put("input", input).encode())));
    }

    /** {@code GET /v1/runs/{runId}}, which must answer 200. */
    JsonObject record(String runId) {
      return ok(acme(HttpMethod.GET, "/v1/runs/" + runId));
    }

    /** {@code GET /v1/dlq/{id}}, which must answer 200. */
    JsonObject dlqEntry(String id) {
      return ok(acme(HttpMethod.GET, "/v1/dlq/" + id));
    }

    private static JsonObject ok(HttpRequest<Buffer> request) {
      HttpResponse<Buffer> response = Await.result(request.send());
      assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
      return response.bodyAsJsonObject();
    }

    /** A submit to {@code platform.workflow.submit} as another service on the bus would send it. */
    Future<Message<JsonObject>> submitOnBus(String workflow, JsonObject input) {
      return platform.vertx.eventBus().request(Addresses.WORKFLOW_SUBMIT,
          new JsonObject().put("tenant", "acme").put("workflow", workflow).put("input", input));
    }

    /** {@code address} asked {@code body} over the bus; the reply's body. */
    JsonObject ask(String address, JsonObject body) {
      return Await.result(platform.vertx.eventBus().<JsonObject>request(address, body)).body();
    }
  }

  private final Downstream downstream;
  private RedisFixture redis;
  private Node local;
  private Node onRedis;

  private FeatureNodes(Downstream downstream) {
    this.downstream = downstream;
  }

  static FeatureNodes start(Path dir, Downstream downstream, Function<String, String> workflows) throws Exception {
    FeatureNodes nodes = new FeatureNodes(downstream);
    try {
      Path conf = ConfiguredPlatform.write(dir, workflows.apply(downstream.start()));
      nodes.local = new Node(RunningPlatform.started(Files.createDirectory(dir.resolve("local")), Map.of(),
          conf.toString()));
      nodes.redis = RedisFixture.start();
      nodes.onRedis = new Node(RunningPlatform.started(Files.createDirectory(dir.resolve("redis")),
          Map.of("REDIS_URL", nodes.redis.url()), conf.toString()));
      return nodes;
    } catch (Exception | Error e) {
      nodes.close();
      throw e;
    }
  }

  Node on(Backend backend) {
    return backend == Backend.LOCAL ? local : onRedis;
  }

  /** The step {@code name} of a run record. */
  static JsonObject step(JsonObject record, String name) {
    return record.getJsonArray("steps").stream().map(JsonObject.class::cast)
        .filter(s -> name.equals(s.getString("name"))).findFirst()
        .orElseThrow(() -> new AssertionError("no step " + name + " in " + record.encodePrettily()));
  }

  /** Every part, even if one fails to close; the downstream first, so the calls it holds end before the nodes stop. */
  @Override
  public void close() throws Exception {
    Throwable first = null;
    for (AutoCloseable part : new AutoCloseable[] {downstream, local == null ? null : local.platform,
        onRedis == null ? null : onRedis.platform, redis}) {
      try {
        if (part != null) {
          part.close();
        }
      } catch (Exception | AssertionError e) {
        if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      }
    }
    if (first instanceof Exception e) {
      throw e;
    }
    if (first != null) {
      throw (AssertionError) first;
    }
  }
}
