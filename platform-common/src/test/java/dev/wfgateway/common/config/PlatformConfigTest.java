package dev.wfgateway.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class PlatformConfigTest {

  private static JsonObject step(String name) {
    return new JsonObject().put("name", name).put("eventbus", new JsonObject().put("address", "svc.a"));
  }

  private static JsonObject valid() {
    return new JsonObject()
        .put("tenants", new JsonObject().put("acme", new JsonObject()
            .put("keys", new JsonArray().add(new JsonObject().put("id", "k1").put("sha256", "a".repeat(64))))
            .put("rateLimits", new JsonObject().put("submit", new JsonArray()
                .add(new JsonObject().put("name", "burst").put("limit", 20).put("window", "1s"))))
            .put("workflows", new JsonArray().add("risk-check"))))
        .put("workflows", new JsonObject().put("risk-check", new JsonObject()
            .put("lock", new JsonObject().put("key", "/eventId").put("ttl", "30s"))
            .put("timeout", "30s")
            .put("steps", new JsonArray().add(step("score").put("retry", "standard").put("circuitBreaker", "risk-score"))
                .add(new JsonObject().put("name", "notify").put("http", new JsonObject().put("method", "POST")
                    .put("url", "http://127.0.0.1:9000/hook").put("timeout", "2s"))
                    .put("retry", new JsonObject().put("maxAttempts", 5).put("initialInterval", "100ms")
                        .put("backoffCoefficient", 2.0).put("maximumInterval", "5s").put("jitter", "full"))))))
        .put("circuitBreakers", new JsonObject().put("risk-score", new JsonObject().put("failureRateThreshold", 0.5)
            .put("minimumCalls", 20).put("window", "60s").put("openFor", "30s").put("halfOpenCalls", 5)));
  }

  @Test
  void readsTheDesignExample() {
    PlatformConfig config = PlatformConfig.fromJson(valid());

    WorkflowDefinition workflow = config.workflows().get("risk-check");
    assertThat(workflow.lock().key()).isEqualTo("/eventId");
    assertThat(workflow.steps()).extracting(StepDefinition::name).containsExactly("score", "notify");
    assertThat(workflow.steps().get(0).target().circuitBreaker()).isEqualTo("risk-score");
    assertThat(workflow.steps().get(1).target().circuitBreaker()).isEqualTo("http:127.0.0.1:9000");
    assertThat(workflow.steps().get(1).retry().maxAttempts()).isEqualTo(5);
    TenantConfig acme = config.tenants().get("acme");
    assertThat(acme.policiesFor("submit")).containsExactly(new RatePolicy("burst", 20, Duration.ofSeconds(1)));
    assertThat(acme.policiesFor("read")).isEqualTo(PlatformConfig.BUILT_IN_LIMITS.get("read"));
    assertThat(acme.mayRun("risk-check")).isTrue();
    assertThat(acme.mayRun("other")).isFalse();
    assertThat(config.redisBackend()).isFalse();
    assertThat(config.verticles()).isEqualTo(PlatformConfig.ALL_VERTICLES);
  }

  static Stream<Arguments> brokenDefinitions() {
    return Stream.of(
        Arguments.of("JSON depth past the ceiling", (Breaker) c -> c.put("http", new JsonObject().put("maxJsonDepth", 501)),
            "http.maxJsonDepth: must be at most 500"),
        Arguments.of("unknown retry preset", (Breaker) c -> steps(c).getJsonObject(0).put("retry", "fastest"),
            "workflows.risk-check.steps[0].retry: unknown retry preset 'fastest'"),
        Arguments.of("bad lock pointer", (Breaker) c -> workflow(c).getJsonObject("lock").put("key", "eventId"),
            "workflows.risk-check.lock.key: 'eventId' is not a JSON Pointer"),
        Arguments.of("duplicate step names", (Breaker) c -> steps(c).getJsonObject(1).put("name", "score")
            .remove("http"), "duplicate step name 'score'"),
        Arguments.of("step with two targets", (Breaker) c -> steps(c).getJsonObject(0)
            .put("http", new JsonObject().put("url", "http://x/")), "exactly one of 'http', 'eventbus' or 'parallel'"),
        Arguments.of("no steps", (Breaker) c -> workflow(c).put("steps", new JsonArray()), "at least one step"),
        Arguments.of("bad duration", (Breaker) c -> workflow(c).put("timeout", "30 seconds"),
            "workflows.risk-check.timeout: '30 seconds' is not a duration"),
        Arguments.of("relative URL", (Breaker) c -> steps(c).getJsonObject(1).getJsonObject("http").put("url", "/hook"),
            "must be an absolute http:// or https:// URL"),
        Arguments.of("unknown breaker", (Breaker) c -> steps(c).getJsonObject(0).put("circuitBreaker", "nope"),
            "unknown circuit breaker 'nope'"),
        Arguments.of("unknown jitter", (Breaker) c -> steps(c).getJsonObject(1).getJsonObject("retry").put("jitter", "x"),
            "jitter: must be full, equal or none"),
        Arguments.of("tenant names unknown workflow", (Breaker) c -> c.getJsonObject("tenants").getJsonObject("acme")
            .put("workflows", new JsonArray().add("ghost")), "unknown workflow 'ghost'"),
        Arguments.of("bad key hash", (Breaker) c -> c.getJsonObject("tenants").getJsonObject("acme")
            .getJsonArray("keys").getJsonObject(0).put("sha256", "xyz"), "must be 64 lower-case hex"),
        Arguments.of("unknown verticle", (Breaker) c -> c.put("verticles", new JsonArray().add("gatway")),
            "unknown verticle 'gatway'"),
        Arguments.of("negative limit", (Breaker) c -> c.getJsonObject("tenants").getJsonObject("acme")
            .getJsonObject("rateLimits").getJsonArray("submit").getJsonObject(0).put("limit", -1),
            "limit: must be a whole number >= 1"),
        Arguments.of("unknown top-level key", (Breaker) c -> c.put("tracing", new JsonObject()),
            "tracing: unknown key"),
        Arguments.of("misspelt redis key", (Breaker) c -> c.put("redis", new JsonObject().put("type", "sentinel")
            .put("endpoints", new JsonArray().add("redis://127.0.0.1:26379")).put("masterNam", "prod")),
            "redis.masterNam: unknown key"),
        Arguments.of("misspelt key of a list item", (Breaker) c -> c.getJsonObject("tenants").getJsonObject("acme")
            .getJsonArray("keys").getJsonObject(0).put("expires", "2027-01-01T00:00:00Z"),
            "tenants.acme.keys[0].expires: unknown key"),
        Arguments.of("misspelt step key", (Breaker) c -> steps(c).getJsonObject(0).put("retyr", "fast"),
            "workflows.risk-check.steps[0].retyr: unknown key"),
        Arguments.of("misspelt key of a retry policy", (Breaker) c -> steps(c).getJsonObject(1).getJsonObject("retry")
            .put("maxAttempt", 2), "workflows.risk-check.steps[1].retry.maxAttempt: unknown key"),
        Arguments.of("misspelt breaker key", (Breaker) c -> c.getJsonObject("circuitBreakers")
            .getJsonObject("risk-score").put("openfor", "1s"), "circuitBreakers.risk-score.openfor: unknown key"),
        Arguments.of("master name outside sentinel", (Breaker) c -> c.put("redis", new JsonObject()
            .put("url", "redis://127.0.0.1:6379").put("masterName", "prod")), "redis.masterName: applies to type: sentinel"),
        Arguments.of("redis TLS without rediss://", (Breaker) c -> c.put("redis", new JsonObject()
            .put("url", "redis://127.0.0.1:6379").put("tls", new JsonObject())), "redis.tls: needs rediss:// endpoints"),
        Arguments.of("unreadable CA file", (Breaker) c -> c.put("redis", new JsonObject()
            .put("url", "rediss://127.0.0.1:6379").put("tls", new JsonObject().put("caPem", "/no/such/ca.pem"))),
            "redis.tls.caPem: cannot read /no/such/ca.pem"),
        Arguments.of("HTTPS without a key", (Breaker) c -> c.put("http", new JsonObject()
            .put("tls", new JsonObject().put("certPem", "/no/such/tls.crt"))), "http.tls.keyPem: is required"),
        Arguments.of("event-bus TLS without a CA", (Breaker) c -> c.put("cluster", new JsonObject()
            .put("tls", new JsonObject())), "cluster.tls.caPem: is required"),
        Arguments.of("not a redis URL", (Breaker) c -> c.put("redis", new JsonObject()
            .put("url", "http://user:secret@127.0.0.1:6379")), "'http://***@127.0.0.1:6379' must start with redis://"));
  }

  @Test
  void readsProductionRedisAndLeavesUserChosenNamesAlone() {
    JsonObject config = valid().put("redis", new JsonObject().put("type", "sentinel")
            .put("endpoints", new JsonArray().add("rediss://10.0.0.5:26379").add("rediss://10.0.0.6:26379"))
            .put("masterName", "prod").put("tls", new JsonObject().put("hostnameVerification", false)))
        .put("reload", new JsonObject().put("interval", "0s"));
    workflow(config).put("inputSchema", new JsonObject().put("type", "object").put("x-anything", true));
    steps(config).getJsonObject(1).getJsonObject("http").put("headers", new JsonObject().put("X-Custom", "1"));

    PlatformConfig read = PlatformConfig.fromJson(config);

    assertThat(read.redis().type()).isEqualTo("sentinel");
    assertThat(read.redis().masterName()).isEqualTo("prod");
    assertThat(read.redis().endpoints()).containsExactly("rediss://10.0.0.5:26379", "rediss://10.0.0.6:26379");
    assertThat(read.redis().usesTls()).isTrue();
    assertThat(read.redis().tls().hostnameVerification()).isFalse();
    assertThat(read.reloadInterval()).isZero();
    assertThat(read.http().maxJsonDepth()).isEqualTo(64);
    assertThat(read.cluster().tls()).isNull();
  }

  @Test
  void aRedisUrlReplacesTheEndpoints() {
    PlatformConfig read = PlatformConfig.fromJson(valid().put("redis", new JsonObject().put("type", "cluster")
        .put("endpoints", new JsonArray().add("redis://a:7000")).put("url", "redis://b:7001")));

    assertThat(read.redis().endpoints()).containsExactly("redis://b:7001");
    assertThat(read.redis().masterName()).isEqualTo(RedisConfig.DEFAULT_MASTER_NAME);
  }

  interface Breaker {
    void breakIt(JsonObject config);
  }

  private static JsonObject workflow(JsonObject config) {
    return config.getJsonObject("workflows").getJsonObject("risk-check");
  }

  private static JsonArray steps(JsonObject config) {
    return workflow(config).getJsonArray("steps");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("brokenDefinitions")
  void refusesABrokenDefinitionWithAClearMessage(String kind, Breaker breaker, String message) {
    JsonObject config = valid();
    breaker.breakIt(config);

    assertThatThrownBy(() -> PlatformConfig.fromJson(config))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(message);
  }

  @Test
  void reportsEveryProblemAtOnce() {
    JsonObject config = valid();
    workflow(config).put("timeout", "soon");
    steps(config).getJsonObject(0).put("retry", "fastest");

    assertThatThrownBy(() -> PlatformConfig.fromJson(config)).isInstanceOfSatisfying(ConfigException.class,
        e -> assertThat(e.problems()).hasSize(2));
  }

  @Test
  void retryDelaysGrowAreCappedAndJitteredBelowTheCap() {
    RetryPolicy policy = new RetryPolicy(6, Duration.ofMillis(100), 2.0, Duration.ofMillis(500),
        RetryPolicy.Jitter.NONE);
    assertThat(policy.delayMillis(2, 0.5)).isEqualTo(100);
    assertThat(policy.delayMillis(3, 0.5)).isEqualTo(200);
    assertThat(policy.delayMillis(5, 0.5)).isEqualTo(500);
    RetryPolicy full = new RetryPolicy(6, Duration.ofMillis(100), 2.0, Duration.ofMillis(500), RetryPolicy.Jitter.FULL);
    assertThat(full.delayMillis(10, 0.999)).as("just below the cap").isEqualTo(499);
    assertThat(full.delayMillis(10, 0.0)).isZero();
    RetryPolicy equal = new RetryPolicy(6, Duration.ofMillis(100), 2.0, Duration.ofMillis(500),
        RetryPolicy.Jitter.EQUAL);
    assertThat(equal.delayMillis(10, 0.0)).isEqualTo(250);
  }
}
