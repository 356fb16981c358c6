package dev.wfgateway.bench;

import dev.wfgateway.testkit.Await;
import dev.wfgateway.testkit.RedisFixture;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Chaos under load, on the Redis backend: each scenario drives the {@code chaos} workflow open-loop,
 * injects a fault {@link #FAULT_AT} into the run, heals it {@link #FAULT_FOR} later, and then checks:
 * no request lost (every answer is a success, a clear 503, a 502/504 whose DLQ entry exists, or a
 * run recorded as failed with its error), no two runs of one lock key inside the step at once,
 * and recovery: every request sent after the recovery point succeeded.
 */
final class ChaosSuite {
  static final double RATE = 50;
  static final int KEYS = 100;
  static final Duration FAULT_AT = Duration.ofSeconds(3);
  static final Duration FAULT_FOR = Duration.ofSeconds(3);

  /** A named fault: what breaks it and what heals it; both run on the bench's main thread. */
  private record Fault(String name, Runnable inject, Runnable heal) {
  }

  private final Vertx loadVertx;
  private final Context context;
  private final Duration duration;
  private final List<String> rows = new ArrayList<>(List.of(
      "| scenario | requests | statuses (0 = no answer) | 200 | dead-lettered (entry found) | 503 | dead-lettered late | lost"
          + " | duplicates | recovery ms | verdict |",
      "|---|---|---|---|---|---|---|---|---|---|---|"));

  ChaosSuite(Vertx loadVertx, Duration duration) {
    this.loadVertx = loadVertx;
    this.context = loadVertx.getOrCreateContext();
    this.duration = duration;
  }

  int run() throws Exception {
    int failures = 0;
    try (RedisFixture redis = RedisFixture.start(); PlatformUnderTest node = new PlatformUnderTest(redis.url())) {
      HttpTarget gateway = new HttpTarget(loadVertx, node.gatewayPort());
      EchoServices echo = node.echo;
      List<Fault> faults = new ArrayList<>(List.of(
          new Fault("downstream-500", () -> echo.downstream(EchoServices.Downstream.FAILING),
              () -> echo.downstream(EchoServices.Downstream.HEALTHY)),
          new Fault("downstream-hang", () -> echo.downstream(EchoServices.Downstream.HANGING),
              () -> echo.downstream(EchoServices.Downstream.HEALTHY)),
          // Runs fail while the DLQ is away: each must still end dead-lettered or clearly failed.
          new Fault("dlq-redeploy", () -> {
            echo.downstream(EchoServices.Downstream.FAILING);
            Await.result(node.undeployDlq());
          }, () -> {
            Await.result(node.deployDlq());
            echo.downstream(EchoServices.Downstream.HEALTHY);
          })));
      if (redis.controllable()) {
        faults.add(new Fault("redis-restart", redis::stopServer, () -> {
          try {
            redis.startServer();
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }));
      } else {
        System.out.println("redis-restart skipped: REDIS_URL names a server this suite may not stop");
      }
      Await.result(OpenLoopLoad.run(context, "warm-up", RATE, Duration.ZERO, Duration.ofSeconds(3),
          i -> submit(gateway, i, new ArrayList<>()).map(Outcome.OK)), Duration.ofSeconds(30));
      for (Fault fault : faults) {
        failures += runScenario(fault, gateway, node.echo.locked()) ? 0 : 1;
      }
      Await.result(gateway.close());
    }
    System.out.println();
    System.out.println(String.join("\n", rows));
    return failures;
  }

  private boolean runScenario(Fault fault, HttpTarget gateway, LockedStepRecorder locked) {
    long overlapsBefore = locked.overlaps();
    List<ChaosAnswer> answers = new ArrayList<>();
    Future<LoadResult> load = OpenLoopLoad.run(context, fault.name(), RATE, Duration.ZERO, duration,
        i -> submit(gateway, i, answers).map(Outcome.OK));
    Await.result(loadVertx.timer(FAULT_AT.toMillis(), TimeUnit.MILLISECONDS));
    fault.inject().run();
    Await.result(loadVertx.timer(FAULT_FOR.toMillis(), TimeUnit.MILLISECONDS));
    fault.heal().run();
    long healedNanos = System.nanoTime();
    LoadResult result = Await.result(load, duration.plus(OpenLoopLoad.DRAIN).plusSeconds(10));
    List<ChaosAnswer> settled = Await.result(copyOnContext(answers));
    // A DLQ entry written while Redis was away drains from the local spool shortly after it is back.
    Await.result(loadVertx.timer(2, TimeUnit.SECONDS));
    ChaosVerdict verdict = ChaosVerdict.judge(settled, result.requests() - settled.size(), healedNanos,
        locked.overlaps() - overlapsBefore, id -> exists(gateway, "/v1/dlq/" + id), runId -> deadLetteredLate(gateway, runId));
    String row = String.format(Locale.ROOT, "| %s | %d | %s | %d | %d | %d | %d | %d | %d | %s | %s |", fault.name(),
        result.requests(), verdict.statuses(), verdict.succeeded(), verdict.deadLettered(), verdict.refused(), verdict.deadLetteredLate(),
        verdict.lost(), verdict.duplicates(), verdict.recoveryMillis() < 0 ? "never" : verdict.recoveryMillis(),
        verdict.passed() ? "PASS" : "FAIL" + verdict.lostKinds());
    System.out.println(row);
    rows.add(row);
    return verdict.passed();
  }

  /** The answers so far, copied on the load context that appends to them. */
  private Future<List<ChaosAnswer>> copyOnContext(List<ChaosAnswer> answers) {
    Promise<List<ChaosAnswer>> copy = Promise.promise();
    context.runOnContext(v -> copy.complete(List.copyOf(answers)));
    return copy.future();
  }

  /** One run of the chaos workflow on key {@code i % KEYS}; its answer is appended to {@code answers} (on the load context). */
  private static Future<Void> submit(HttpTarget gateway, long i, List<ChaosAnswer> answers) {
    long sent = System.nanoTime();
    JsonObject body = new JsonObject().put("input", new JsonObject().put("key", "k-" + i % KEYS));
    return gateway.send(HttpMethod.POST, GatewayCalls.runsPath(BenchConfig.CHAOS), GatewayCalls.headers(BenchConfig.TENANT),
            body.toBuffer())
        .onComplete(ar -> answers.add(ar.succeeded()
            ? new ChaosAnswer(sent, System.nanoTime(), ar.result().status(), json(ar.result()))
            : new ChaosAnswer(sent, System.nanoTime(), 0, null)))
        .mapEmpty();
  }

  private static JsonObject json(HttpTarget.Answer answer) {
    try {
      return answer.body().toJsonObject();
    } catch (RuntimeException e) {
      return null;
    }
  }

  private Future<Boolean> exists(HttpTarget gateway, String path) {
    return gateway.send(HttpMethod.GET, path, GatewayCalls.headers(BenchConfig.TENANT), null).map(a -> a.status() == 200);
  }

  /** True when the run, answered before the DLQ could take it, is now dead-lettered and its entry exists. */
  private Future<Boolean> deadLetteredLate(HttpTarget gateway, String runId) {
    return gateway.send(HttpMethod.GET, "/v1/runs/" + runId, GatewayCalls.headers(BenchConfig.TENANT), null)
        .compose(a -> {
          JsonObject run = a.status() == 200 ? a.body().toJsonObject() : null;
          return run != null && "dead_lettered".equals(run.getString("status")) && run.getString("dlqId") != null
              ? exists(gateway, "/v1/dlq/" + run.getString("dlqId")) : Future.succeededFuture(false);
        });
  }
}
