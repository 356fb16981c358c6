package dev.wfgateway.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;

/** What every error answer must be: the status, problem+json with a stable type, and nothing internal. */
final class ProblemAssert {
  private ProblemAssert() {
  }

  /** Asserts the problem and returns its body for further checks; {@code type} is the slug after {@code /problems/}. */
  static JsonObject assertProblem(HttpResponse<Buffer> response, int status, String type) {
    String body = response.bodyAsString();
    assertThat(response.statusCode()).as("status of %s", body).isEqualTo(status);
    assertThat(response.getHeader("Content-Type")).isEqualTo("application/problem+json");
    assertThat(response.getHeader("X-Request-Id")).isNotBlank();
    JsonObject problem = new JsonObject(body);
    assertThat(problem.getString("type")).isEqualTo("https://wfgateway.dev/problems/" + type);
    assertThat(problem.getInteger("status")).isEqualTo(status);
    assertThat(problem.getString("title")).isNotBlank();
    assertNothingInternal(body);
    return problem;
  }

  static void assertNothingInternal(String body) {
    assertThat(body).doesNotContain("Exception", "at dev.", "at io.", "dev.wfgateway", "io.vertx", "java.",
        "NOSCRIPT", "WRONGTYPE", "ERR ", "redis", "Redis", "downstream exploded");
  }
}
