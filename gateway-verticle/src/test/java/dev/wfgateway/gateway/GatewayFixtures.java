package dev.wfgateway.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.wfgateway.common.Problem;
import dev.wfgateway.common.ProblemException;
import dev.wfgateway.common.ProblemType;
import io.vertx.core.AsyncResult;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxTestContext;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.function.Consumer;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

/** What the gateway's tests share: a clock moved by hand, the checks of a problem answer, a completing handler. */
final class GatewayFixtures {
  private GatewayFixtures() {
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
