package dev.wfgateway.bench;

import dev.wfgateway.common.redis.LuaScript;
import dev.wfgateway.common.redis.RedisClients;
import dev.wfgateway.common.config.RedisConfig;
import dev.wfgateway.testkit.Await;
import dev.wfgateway.testkit.RedisFixture;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.redis.client.Redis;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The load suite: for each backend, starts a node, runs every scenario of {@link LoadScenarios}
 * open-loop, and with Redis probes each stream's round trips per request; before the first backend
 * it measures the floors: the bare Vert.x HTTP endpoint at every offered rate and (once Redis is
 * up) a bare EVALSHA of a trivial script. Prints one table and checks it against the budgets.
 */
final class LoadSuite {
  static final Duration WARMUP = Duration.ofSeconds(3);
  static final Duration JIT_WARMUP = Duration.ofSeconds(10);
  static final Duration PROBE = Duration.ofSeconds(2);
  static final double PROBE_RATE = 100;
  private static final LuaScript NOOP = LuaScript.fromResource(LoadSuite.class, "noop.lua");

  private final Vertx loadVertx;
  private final Context context;
  private final Duration measure;
  private final List<String> only;
  private final Budgets budgets = Budgets.load();
  private final ResultTable table = new ResultTable();
  private final Map<Double, LoadResult> httpFloors = new LinkedHashMap<>();

  LoadSuite(Vertx loadVertx, Duration measure, List<String> only) {
    this.loadVertx = loadVertx;
    this.context = loadVertx.getOrCreateContext();
    this.measure = measure;
    this.only = only;
  }

  /** Runs the suite on the given backends ("local", "redis"); returns the number of rows over budget. */
  int run(List<String> backends) throws Exception {
    for (String backend : backends) {
      if ("redis".equals(backend)) {
        try (RedisFixture redis = RedisFixture.start()) {
          runBackend(redis.url());
        }
      } else {
        runBackend(null);
      }
    }
    System.out.println();
    System.out.println(table.render());
    return table.failures();
  }

  private void runBackend(String redisUrl) throws Exception {
    try (PlatformUnderTest node = new PlatformUnderTest(redisUrl)) {
      HttpTarget gateway = new HttpTarget(loadVertx, node.gatewayPort());
      List<Scenario> scenarios = LoadScenarios.all(new GatewayCalls(loadVertx, gateway)).stream()
          .filter(scenario -> only.isEmpty() || only.contains(scenario.name())).toList();
      if (httpFloors.isEmpty()) {
        warmUp(scenarios);
        measureHttpFloors(node.echo.httpPort());
      }
      if (redisUrl != null) {
        measureRedisFloor(redisUrl);
      }
      for (Scenario scenario : scenarios) {
        runScenario(node.backend(), scenario, redisUrl);
      }
      Await.result(gateway.close());
    }
  }

  /** A fresh JVM runs slowly until the JIT has compiled its paths: on the first node every stream runs a while first, unrecorded. */
  private void warmUp(List<Scenario> scenarios) {
    for (Scenario scenario : scenarios) {
      for (Scenario.Stream stream : scenario.streams()) {
        measure("warm-up " + stream.name(), stream.rate(), Duration.ZERO, JIT_WARMUP, stream.call());
      }
    }
  }

  private void measureHttpFloors(int echoPort) {
    HttpTarget floor = new HttpTarget(loadVertx, echoPort);
    Call call = i -> floor.send(HttpMethod.GET, EchoServices.FLOOR_PATH, null, null)
        .map(answer -> GatewayCalls.expect(answer, 200, false));
    for (double rate : LoadScenarios.RATES) {
      String row = "floor.http@" + (int) rate;
      LoadResult result = measure(row, rate, WARMUP, measure, call);
      httpFloors.put(rate, result);
      table.add(row, result, null, null);
    }
    Await.result(floor.close());
  }

  private void measureRedisFloor(String redisUrl) {
    Redis redis = RedisClients.create(loadVertx, RedisConfig.standalone(redisUrl, Duration.ofSeconds(1), 16));
    double rate = LoadScenarios.RATES.get(0);
    String row = "floor.redis-evalsha@" + (int) rate;
    LoadResult result = measure(row, rate, WARMUP, measure,
        i -> NOOP.run(redis, List.of(), List.of()).map(reply -> Outcome.OK));
    table.add(row, result, null, null);
    Await.result(redis.close());
  }

  private void runScenario(String backend, Scenario scenario, String redisUrl) throws Exception {
    List<Future<LoadResult>> running = new ArrayList<>();
    for (Scenario.Stream stream : scenario.streams()) {
      running.add(OpenLoopLoad.run(context, scenario.row(backend, stream), stream.rate(), WARMUP, measure,
          stream.call()));
    }
    Await.result(Future.all(running), timeLimit(measure));
    for (int s = 0; s < running.size(); s++) {
      Scenario.Stream stream = scenario.streams().get(s);
      LoadResult result = running.get(s).result();
      if (redisUrl != null) {
        result.redisRoundTrips = roundTrips(redisUrl, stream);
      }
      String row = scenario.row(backend, stream);
      System.out.println(table.add(row, result, httpFloors.get(stream.rate()), budgets.violations(row, result)));
    }
  }

  /** Redis round trips per request of {@code stream}, from a short probe at a low rate with MONITOR attached. */
  private double roundTrips(String redisUrl, Scenario.Stream stream) {
    RedisMonitor monitor = Await.result(RedisMonitor.attach(loadVertx, redisUrl));
    LoadResult probe = measure("probe", PROBE_RATE, Duration.ZERO, PROBE, stream.call());
    // MONITOR lines trail the replies a little: give the socket a moment before reading the count.
    Await.result(loadVertx.timer(200, TimeUnit.MILLISECONDS));
    long commands = monitor.commands();
    Await.result(monitor.close());
    return (double) commands / Math.max(1, probe.requests());
  }

  private LoadResult measure(String name, double rate, Duration warmup, Duration duration, Call call) {
    LoadResult result = Await.result(OpenLoopLoad.run(context, name, rate, warmup, duration, call),
        timeLimit(warmup.plus(duration)));
    System.out.println(String.format(java.util.Locale.ROOT, "%-40s %6.0f/s p50 %7.2f ms p99 %7.2f ms errors %d",
        name, result.achievedRate(), result.millisAt(50), result.millisAt(99), result.errors));
    return result;
  }

  private static Duration timeLimit(Duration run) {
    return run.plus(WARMUP).plus(OpenLoopLoad.DRAIN).plusSeconds(10);
  }
}
