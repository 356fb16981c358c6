package dev.wfgateway.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.wfgateway.common.Problem;
import dev.wfgateway.common.ProblemException;
import dev.wfgateway.common.ProblemType;
import dev.wfgateway.common.config.Sha256;
import dev.wfgateway.common.messages.RateLimitRequest;
import dev.wfgateway.common.messages.RunStatusRequest;
import dev.wfgateway.common.messages.SubmitRunRequest;
import dev.wfgateway.testkit.TestVertx;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.AsyncResult;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What the gateway's tests share: a clock moved by hand, the checks of a problem answer, a
 * completing handler, and the gateway deployed alone with fake platform services.
 */
final class GatewayFixtures {
  static final String ACME_KEY = "acme-secret";
  static final String GLOBEX_KEY = "globex-secret";
  static final String ADMIN_TOKEN = "admin-secret";
  /** The workflow acme may run; its timeout is short so that a sync submit waits 5 s past it, not more. */
  static final String ORDERS = "orders";
  /** A workflow only globex may run. */
  static final String REPORTS = "reports";
  static final Duration ORDERS_TIMEOUT = Duration.ofMillis(100);

  private GatewayFixtures() {
  }

  /** Two tenants (acme may run {@value #ORDERS} only), an admin token, two workflows. */
  static JsonObject platformConfig() {
    JsonObject step = new JsonObject().put("name", "only").put("eventbus", new JsonObject().put("address", "test.step"));
    JsonObject workflow = new JsonObject().put("steps", new JsonArray().add(step));
    return new JsonObject()
        .put("http", new JsonObject().put("host", "127.0.0.1").put("port", 0))
        .put("admin", new JsonObject().put("tokenSha256", Sha256.hex(ADMIN_TOKEN)))
        .put("workflows", new JsonObject()
            .put(ORDERS, workflow.copy().put("timeout", ORDERS_TIMEOUT.toMillis() + "ms"))
            .put(REPORTS, workflow.copy()))
        .put("tenants", new JsonObject()
            .put("acme", new JsonObject().put("workflows", new JsonArray().add(ORDERS))
                .put("keys", new JsonArray().add(new JsonObject().put("id", "main").put("sha256", Sha256.hex(ACME_KEY)))))
            .put("globex", new JsonObject()
                .put("keys", new JsonArray().add(new JsonObject().put("id", "main").put("sha256", Sha256.hex(GLOBEX_KEY))))));
  }

  /**
   * Base of the tests of the gateway deployed alone with {@link #platformConfig()}, once per class,
   * and fake services that each test registers through {@link #service} and that stop after it.
   */
  @ExtendWith(VertxExtension.class)
  abstract static class DeployedGateway {
    static Vertx vertx;
    static WebClient client;
    private final List<FakeService> services = new ArrayList<>();

    /** A gateway deployed with some configuration: its deployment id and a client whose default port is its port. */
    record Deployment(String id, WebClient client) {
    }

    @BeforeAll
    static void deploy(VertxTestContext test) {
      vertx = TestVertx.create();
      deployGateway(platformConfig()).onComplete(test.succeeding(deployment -> {
        client = deployment.client();
        test.completeNow();
      }));
    }

    static Future<Deployment> deployGateway(JsonObject config) {
      GatewayVerticle gateway = new GatewayVerticle(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
      return vertx.deployVerticle(gateway, new DeploymentOptions().setConfig(config))
          .map(id -> new Deployment(id, WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1")
              .setDefaultPort(gateway.actualPort()))));
    }

    @AfterAll
    static void close() throws Exception {
      TestVertx.close(vertx);
    }

    @AfterEach
    void stopServices(VertxTestContext test) {
      Future.all(services.stream().map(FakeService::stop).toList()).onComplete(test.succeedingThenComplete());
      services.clear();
    }

    /** A fake service on {@code address} for this test. */
    Future<FakeService> service(String address, Consumer<Received> answer) {
      return FakeService.on(vertx, address, answer).onSuccess(services::add);
    }

    Future<FakeService> replying(String address, JsonObject reply) {
      return service(address, message -> message.reply(reply));
    }

    static HttpRequest<Buffer> asAcme(HttpMethod method, String uri) {
      return client.request(method, uri).putHeader("Authorization", "Bearer " + ACME_KEY);
    }

    static HttpRequest<Buffer> asAdmin(HttpMethod method, String uri) {
      return client.request(method, uri).putHeader("Authorization", "Bearer " + ADMIN_TOKEN);
    }
  }

  /**
   * A consumer standing for a platform service as another service would write it, in the contract
   * JSON of DESIGN.md section 3: records what it receives and answers as told.
   */
  static final class FakeService {
    final List<Received> received = new CopyOnWriteArrayList<>();
    private final MessageConsumer<Object> consumer;

    private FakeService(Vertx vertx, String address, Consumer<Received> answer) {
      consumer = vertx.eventBus().consumer(address, message -> {
        Received request = new Received(message);
        received.add(request);
        answer.accept(request);
      });
    }

    static Future<FakeService> on(Vertx vertx, String address, Consumer<Received> answer) {
      FakeService service = new FakeService(vertx, address, answer);
      return service.consumer.completion().map(service);
    }

    Received only() {
      assertThat(received).hasSize(1);
      return received.get(0);
    }

    Future<Void> stop() {
      return consumer.unregister();
    }
  }

  /** A request as a JSON service sees it: the gateway's record in its contract JSON. */
  record Received(Message<Object> message) {
    JsonObject body() {
      Object body = message.body();
      if (body instanceof JsonObject json) {
        return json;
      } else if (body instanceof RateLimitRequest request) {
        return request.toJson();
      } else if (body instanceof SubmitRunRequest request) {
        return request.toJson();
      } else if (body instanceof RunStatusRequest request) {
        return request.toJson();
      }
      throw new AssertionError("unexpected body " + body);
    }

    MultiMap headers() {
      return message.headers();
    }

    void reply(JsonObject reply) {
      message.reply(reply);
    }

    void reply(JsonObject reply, DeliveryOptions options) {
      message.reply(reply, options);
    }

    void fail(int code, String text) {
      message.fail(code, text);
    }
  }

  /** A clock the test sets and moves; never moves by itself. */
  static final class MutableClock extends Clock {
    private volatile Instant now;

    MutableClock(Instant now) {
      this.now = now;
    }

    void set(Instant instant) {
      now = instant;
    }

    void advance(Duration by) {
      now = now.plus(by);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }

  /** A handler that checks the successful result on the test's behalf, then completes the test. */
  static <T> Handler<AsyncResult<T>> then(VertxTestContext test, Consumer<T> check) {
    return test.succeeding(value -> test.verify(() -> {
      check.accept(value);
      test.completeNow();
    }));
  }

  /** The problem {@code call} throws; fails when it throws none or something else. */
  static Problem refusal(ThrowingCallable call) {
    ProblemException thrown = catchThrowableOfType(ProblemException.class, call);
    assertThat(thrown).as("a refusal").isNotNull();
    return thrown.problem();
  }

  /** Asserts an answer is the problem {@code type} as problem+json for {@code path}; its body. */
  static JsonObject assertProblem(HttpResponse<Buffer> response, ProblemType type, String path) {
    String body = response.bodyAsString();
    assertThat(response.statusCode()).as("status of %s", body).isEqualTo(type.status());
    assertThat(response.getHeader("Content-Type")).isEqualTo(Problem.CONTENT_TYPE);
    JsonObject problem = new JsonObject(body);
    assertThat(problem.getString("type")).isEqualTo(type.uri());
    assertThat(problem.getInteger("status")).isEqualTo(type.status());
    assertThat(problem.getString("title")).isEqualTo(type.title());
    assertThat(problem.getString("instance")).isEqualTo(path);
    return problem;
  }

  /** The single error of a {@code validation-failed} problem: its pointer and message. */
  static JsonObject onlyError(JsonObject problem) {
    assertThat(problem.getJsonArray("errors")).hasSize(1);
    return problem.getJsonArray("errors").getJsonObject(0);
  }
}
