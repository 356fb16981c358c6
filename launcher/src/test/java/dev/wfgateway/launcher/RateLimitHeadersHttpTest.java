package dev.wfgateway.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wfgateway.testkit.Await;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The IETF RateLimit-Policy / RateLimit fields and the legacy names, on 2xx and on 429. */
class RateLimitHeadersHttpTest {
  private static final Pattern RATE_LIMIT = Pattern.compile("^\"burst\";r=(\\d+);t=(\\d+)$");
  @TempDir
  static Path dir;
  private static RunningPlatform node;

  @BeforeAll
  static void start() throws Exception {
    Path conf = ConfiguredPlatform.write(dir, String.join("\n",
        "  echo:",
        "    steps: [ { name: echo, retry: none, eventbus: { address: test.echo } } ]"));
    node = RunningPlatform.started(dir, Map.of(), conf.toString());
    node.vertx.eventBus().<JsonObject>consumer("test.echo", m -> m.reply(new JsonObject()));
  }

  @AfterAll
  static void stop() throws Exception {
    node.close();
  }

  private HttpResponse<Buffer> submitAsGlobex() {
    return Await.result(node.request(HttpMethod.POST, "/v1/workflows/echo/runs")
        .putHeader("Authorization", "Bearer " + ConfiguredPlatform.GLOBEX_KEY).send());
  }

  /**
   * globex's tightest policy is a sliding 10 s window: its reset ({@code t}) counts down from the
   * first request, which saw it at the full 10 s; each later one sees it no higher than the one
   * before and no lower than the whole seconds left of the window by the test's own clock.
   */
  @Test
  void everyAnswerCarriesTheHeadersAndA429SaysWhenToComeBack() {
    long firstSent = System.nanoTime();
    long previousReset = 10;
    for (int i = 0; i < 3; i++) {
      HttpResponse<Buffer> ok = submitAsGlobex();
      long elapsedMillis = (System.nanoTime() - firstSent) / 1_000_000;
      assertThat(ok.statusCode()).isEqualTo(200);
      assertThat(ok.getHeader("RateLimit-Policy")).isEqualTo("\"burst\";q=3;w=10, \"sustained\";q=100;w=900");
      Matcher m = RATE_LIMIT.matcher(ok.getHeader("RateLimit"));
      assertThat(m.matches()).as(ok.getHeader("RateLimit")).isTrue();
      assertThat(Integer.parseInt(m.group(1))).isEqualTo(2 - i);
      long reset = Long.parseLong(m.group(2));
      if (i == 0) {
        assertThat(reset).as("the first request's reset").isEqualTo(10);
      }
      assertThat(reset).isLessThanOrEqualTo(previousReset).isGreaterThanOrEqualTo(windowLeft(elapsedMillis));
      previousReset = reset;
      assertThat(ok.getHeader("X-RateLimit-Limit")).isEqualTo("3");
      assertThat(ok.getHeader("X-RateLimit-Remaining")).isEqualTo(String.valueOf(2 - i));
      assertThat(ok.getHeader("X-RateLimit-Reset")).isEqualTo(m.group(2));
      assertThat(ok.getHeader("Retry-After")).isNull();
    }

    HttpResponse<Buffer> denied = submitAsGlobex();

    assertThat(denied.statusCode()).isEqualTo(429);
    assertThat(denied.getHeader("Content-Type")).isEqualTo("application/problem+json");
    assertThat(denied.bodyAsJsonObject().getString("type")).endsWith("/rate-limited");
    assertThat(denied.getHeader("RateLimit-Policy")).isEqualTo("\"burst\";q=3;w=10, \"sustained\";q=100;w=900");
    Matcher m = RATE_LIMIT.matcher(denied.getHeader("RateLimit"));
    assertThat(m.matches()).as(denied.getHeader("RateLimit")).isTrue();
    assertThat(m.group(1)).isEqualTo("0");
    long t = Long.parseLong(m.group(2));
    assertThat(t).isLessThanOrEqualTo(previousReset)
        .isGreaterThanOrEqualTo(windowLeft((System.nanoTime() - firstSent) / 1_000_000));
    // Room for the one request comes when the first of the three leaves the window: the reset itself.
    long retryAfter = Long.parseLong(denied.getHeader("Retry-After"));
    assertThat(retryAfter).isEqualTo(t);
    assertThat(denied.bodyAsJsonObject().getLong("retryAfterSeconds")).isEqualTo(retryAfter);
    assertThat(denied.getHeader("X-RateLimit-Remaining")).isEqualTo("0");
  }

  /** Whole seconds of globex's 10 s window left {@code elapsedMillis} after its first request (at least 1). */
  private static long windowLeft(long elapsedMillis) {
    return Math.max(1, (10_000 - elapsedMillis + 999) / 1000);
  }

  @Test
  void tenantsNeverShareQuota() {
    for (int i = 0; i < 5; i++) {
      HttpResponse<Buffer> acme = Await.result(node.request(HttpMethod.POST, "/v1/workflows/echo/runs")
          .putHeader("Authorization", "Bearer " + ConfiguredPlatform.ACME_KEY).send());
      assertThat(acme.statusCode()).isEqualTo(200);
      assertThat(acme.getHeader("RateLimit-Policy")).isEqualTo("\"burst\";q=500;w=1");
    }
  }
}
