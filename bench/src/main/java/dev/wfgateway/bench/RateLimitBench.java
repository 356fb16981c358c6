package dev.wfgateway.bench;

import dev.wfgateway.common.Addresses;
import dev.wfgateway.common.config.PlatformConfig;
import dev.wfgateway.common.redis.LuaScript;
import dev.wfgateway.common.redis.RedisClients;
import dev.wfgateway.ratelimit.RateLimitVerticle;
import dev.wfgateway.testkit.Await;
import dev.wfgateway.testkit.RedisFixture;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Redis;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Rate-limit decisions per second through {@code platform.ratelimit.check} (the verticle on the
 * Redis backend) next to the raw EVALSHA rate of the same {@code sliding_window.lua}, run with the
 * same client options and the same number of calls in flight, in the same run. The target is a
 * ratio of at least {@link #TARGET_RATIO}.
 */
final class RateLimitBench {
  static final double TARGET_RATIO = 0.8;
  static final Duration WARMUP = Duration.ofSeconds(3);
  private static final LuaScript SLIDING_WINDOW =
      LuaScript.fromResource(RateLimitVerticle.class, "sliding_window.lua");

  private final Duration measure;
  private final int concurrency;

  RateLimitBench(Duration measure, int concurrency) {
    this.measure = measure;
    this.concurrency = concurrency;
  }

  int run() throws Exception {
    try (RedisFixture redisServer = RedisFixture.start(); ComponentNode node = new ComponentNode(redisServer.url())) {
      Vertx vertx = node.vertx;
      Await.result(vertx.deployVerticle(new RateLimitVerticle(new SimpleMeterRegistry()),
          new DeploymentOptions().setConfig(node.config)));
      Redis redis = RedisClients.create(vertx, PlatformConfig.fromJson(node.config).redis());
      Context senders = vertx.getOrCreateContext();
      JsonObject check = new JsonObject().put("tenant", BenchConfig.TENANT).put("route", "submit");
      String mode = Await.result(vertx.eventBus().<JsonObject>request(Addresses.RATELIMIT_CHECK, check))
          .body().getString("mode");
      // One policy, as the bench tenant's submit route has: the same keys and arguments the verticle sends.
      List<String> keys = List.of("rl:{raw}:submit:burst");
      ClosedLoop.Result raw = measure(senders, "raw EVALSHA", () -> SLIDING_WINDOW.run(redis, keys,
          List.of("1", Long.toHexString(ThreadLocalRandom.current().nextLong()), "", "1000000", "1000")));
      ClosedLoop.Result verticle = measure(senders, "platform.ratelimit.check (mode " + mode + ")",
          () -> vertx.eventBus().request(Addresses.RATELIMIT_CHECK, check));
      Await.result(redis.close());
      double ratio = verticle.perSecond() / raw.perSecond();
      boolean pass = "redis".equals(mode) && raw.failed == 0 && verticle.failed == 0;
      System.out.println();
      System.out.println("| measured (" + concurrency + " in flight, " + measure.toSeconds() + " s) | decisions/s | p50 ms | p99 ms | failed |");
      System.out.println("|---|---|---|---|---|");
      System.out.println(row("raw EVALSHA sliding_window.lua", raw));
      System.out.println(row("platform.ratelimit.check via event bus", verticle));
      System.out.println(String.format(Locale.ROOT, "ratio verticle / raw: %.2f (target >= %.2f): %s", ratio,
          TARGET_RATIO, ratio >= TARGET_RATIO ? "target met" : "target MISSED (reported, not failed)"));
      return pass ? 0 : 1;
    }
  }

  private ClosedLoop.Result measure(Context context, String name, java.util.function.Supplier<Future<?>> op) {
    Await.result(ClosedLoop.run(context, concurrency, Long.MAX_VALUE, WARMUP, op), WARMUP.plusSeconds(30));
    ClosedLoop.Result result = Await.result(ClosedLoop.run(context, concurrency, Long.MAX_VALUE, measure, op),
        measure.plusSeconds(30));
    System.out.println(name + ": " + result);
    return result;
  }

  private static String row(String name, ClosedLoop.Result r) {
    return String.format(Locale.ROOT, "| %s | %,.0f | %.2f | %.2f | %d |", name, r.perSecond(),
        r.latencyMicros.getValueAtPercentile(50) / 1000.0, r.latencyMicros.getValueAtPercentile(99) / 1000.0, r.failed);
  }
}
