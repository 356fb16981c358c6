package dev.wfgateway.bench;

import dev.wfgateway.testkit.Await;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.LongFunction;
import java.util.stream.Collectors;

/**
 * What every chaos scenario of {@link ChaosSuite} does the same way: drives the {@code chaos}
 * workflow open-loop at {@link #RATE}, injects a fault {@link #FAULT_AT} into the run and heals it
 * once it has lasted, judges the answers ({@link ChaosVerdict}), writes each scenario's timeline
 * and collects one row of the result table per scenario.
 */
final class ChaosRunner {
  static final double RATE = 50;
  static final int KEYS = 100;
  static final Duration FAULT_AT = Duration.ofSeconds(3);
  static final Duration FAULT_FOR = Duration.ofSeconds(3);
  /** Every answer of a scenario, one line each, for a look at its timeline. */
  private static final Path ANSWERS = Path.of("target", "chaos-answers");

  /**
   * A named fault: what breaks it, for how long, and what heals it; both run on the bench's main
   * thread. {@code keepsLocks}: false for a fault that makes Redis lose the lock keys, where two runs
   * of a key may overlap (reported, not failed); their fencing tokens must still only grow.
   */
  record Fault(String name, Runnable inject, Duration lasting, Runnable heal, boolean keepsLocks) {
    Fault(String name, Runnable inject, Duration lasting, Runnable heal) {
      this(name, inject, lasting, heal, true);
    }

    Fault(String name, Runnable inject, Runnable heal) {
      this(name, inject, FAULT_FOR, heal);
    }
  }

  /** What a scenario checks beyond the answers, once they are in; each string is a problem found. */
  interface Afterwards {
    List<String> check(List<ChaosAnswer> answers);
  }

  /** What one scenario's load got, when its fault was injected and healed, and the lock recorder's counts meanwhile. */
  record Driven(LoadResult result, List<ChaosAnswer> answers, long injectedNanos, long healedNanos,
      long overlaps, long staleTokens) {
    long unanswered() {
      return result.requests() - answers.size();
    }
  }

  private final Vertx loadVertx;
  private final Context context;
  private final List<String> rows = new ArrayList<>(List.of(
      "| scenario | requests | statuses (0 = no answer) | 200 | dead-lettered (entry found) | 503 | dead-lettered late | lost"
          + " | duplicates | recovery ms | verdict |",
      "|---|---|---|---|---|---|---|---|---|---|---|"));

  ChaosRunner(Vertx loadVertx) {
    this.loadVertx = loadVertx;
    this.context = loadVertx.getOrCreateContext();
  }

  Vertx loadVertx() {
    return loadVertx;
  }

  /** The result table so far, a row per scenario run. */
  String table() {
    return String.join("\n", rows);
  }

  /** Drives {@code submit} at {@link #RATE} for {@code length} before any fault, so the node under test is warm. */
  void warmUp(LongFunction<Future<ChaosAnswer>> submit, Duration length, Duration timeout) {
    Await.result(OpenLoopLoad.run(context, "warm-up", RATE, Duration.ZERO, length,
        i -> submit.apply(i).map(Outcome.OK)), timeout);
  }

  /** Drives sync submits through the fault, judges the answers and adds the scenario's row; true when it passed. */
  boolean runScenario(Fault fault, HttpTarget gateway, LockedStepRecorder locked, Duration duration,
      Afterwards afterwards) {
    Driven driven = drive(fault, locked, duration, i -> submit(gateway, i));
    // A DLQ entry written while Redis was away drains from the local spool shortly after it is back.
    Await.result(loadVertx.timer(2, TimeUnit.SECONDS));
    List<String> problems = new ArrayList<>(afterwards.check(driven.answers()));
    problems.addAll(staleTokens(driven));
    if (!fault.keepsLocks()) {
      System.out.println(fault.name() + ": " + driven.overlaps() + " overlaps while Redis had lost the lock keys (allowed), "
          + driven.staleTokens() + " stale fencing tokens (must be 0)");
    }
    ChaosVerdict verdict = ChaosVerdict.judge(driven.answers(), driven.unanswered(), driven.healedNanos(),
        fault.keepsLocks() ? driven.overlaps() : 0, id -> exists(gateway, "/v1/dlq/" + id),
        runId -> deadLetteredLate(gateway, runId));
    boolean passed = verdict.passed() && problems.isEmpty();
    addRow(fault.name(), driven.result().requests(), verdict.statuses(), verdict.succeeded(), verdict.deadLettered(),
        verdict.refused(), verdict.deadLetteredLate(), verdict.lost(), verdict.duplicates(),
        millisOrNever(verdict.recoveryMillis()), passed ? "PASS" : "FAIL" + verdict.lostKinds() + " " + problems);
    return passed;
  }

  /**
   * Drives {@code submit} open-loop at {@link #RATE} for {@code duration}, injects the fault
   * {@link #FAULT_AT} into it and heals it once it has lasted, waits for the answers and writes the
   * timeline.
   */
  Driven drive(Fault fault, LockedStepRecorder locked, Duration duration, LongFunction<Future<ChaosAnswer>> submit) {
    long overlapsBefore = locked.overlaps();
    long staleBefore = locked.staleTokens();
    List<ChaosAnswer> answers = new ArrayList<>();
    Future<LoadResult> load = OpenLoopLoad.run(context, fault.name(), RATE, Duration.ZERO, duration,
        i -> submit.apply(i).onSuccess(answers::add).map(Outcome.OK));
    Await.result(loadVertx.timer(FAULT_AT.toMillis(), TimeUnit.MILLISECONDS));
    long injectedNanos = System.nanoTime();
    fault.inject().run();
    Await.result(loadVertx.timer(fault.lasting().toMillis(), TimeUnit.MILLISECONDS));
    fault.heal().run();
    long healedNanos = System.nanoTime();
    LoadResult result = Await.result(load, duration.plus(OpenLoopLoad.DRAIN).plusSeconds(10));
    List<ChaosAnswer> settled = Await.result(copyOnContext(answers));
    writeTimeline(fault.name(), settled, locked.overlapNanos(), injectedNanos, healedNanos);
    return new Driven(result, settled, injectedNanos, healedNanos, locked.overlaps() - overlapsBefore,
        locked.staleTokens() - staleBefore);
  }

  /** What a downstream that checks fencing tokens would have refused: must be nothing. */
  static List<String> staleTokens(Driven driven) {
    return driven.staleTokens() == 0 ? List.of()
        : List.of(driven.staleTokens() + " step calls carried a fencing token smaller than one before them");
  }

  void addRow(Object... cells) {
    String row = Arrays.stream(cells).map(String::valueOf).collect(Collectors.joining(" | ", "| ", " |"));
    System.out.println(row);
    rows.add(row);
  }

  static Object millisOrNever(long millis) {
    return millis < 0 ? "never" : millis;
  }

  /**
   * {@code target/chaos-answers/<scenario>.csv}: per answer, ms sent after the fault, ms to answer,
   * status and problem type.
   */
  private static void writeTimeline(String scenario, List<ChaosAnswer> answers, List<Long> overlapNanos,
      long injectedNanos, long healedNanos) {
    List<String> lines = new ArrayList<>(List.of("# fault at 0 ms, recovery counted from "
        + (healedNanos - injectedNanos) / 1_000_000 + " ms, duplicates at ms "
        + overlapNanos.stream().map(n -> (n - injectedNanos) / 1_000_000).toList(), "sent_ms,answer_ms,status,type"));
    answers.stream().sorted(Comparator.comparingLong(ChaosAnswer::sentNanos)).forEach(a -> lines.add(
        (a.sentNanos() - injectedNanos) / 1_000_000 + "," + (a.answeredNanos() - a.sentNanos()) / 1_000_000 + ","
            + a.status() + "," + (a.ok() || a.field("type") == null ? "" : a.field("type"))));
    try {
      Files.createDirectories(ANSWERS);
      Files.write(ANSWERS.resolve(scenario + ".csv"), lines);
    } catch (IOException e) {
      System.out.println("could not write the timeline of " + scenario + ": " + e);
    }
  }

  /** The answers so far, copied on the load context that appends to them. */
  private Future<List<ChaosAnswer>> copyOnContext(List<ChaosAnswer> answers) {
    Promise<List<ChaosAnswer>> copy = Promise.promise();
    context.runOnContext(v -> copy.complete(List.copyOf(answers)));
    return copy.future();
  }

  /** One run of the chaos workflow on key {@code i % KEYS}; the future always succeeds, with its answer. */
  static Future<ChaosAnswer> submit(HttpTarget gateway, long i) {
    return send(gateway, GatewayCalls.headers(BenchConfig.TENANT), i);
  }

  /** The same with {@code Prefer: respond-async}: answered 202 with the queued run. */
  static Future<ChaosAnswer> submitAsync(HttpTarget gateway, long i) {
    return send(gateway, GatewayCalls.headers(BenchConfig.TENANT).add("Prefer", "respond-async"), i);
  }

  private static Future<ChaosAnswer> send(HttpTarget gateway, MultiMap headers, long i) {
    long sent = System.nanoTime();
    JsonObject body = new JsonObject().put("input", new JsonObject().put("key", "k-" + i % KEYS));
    return gateway.send(HttpMethod.POST, GatewayCalls.runsPath(BenchConfig.CHAOS), headers, body.toBuffer())
        .transform(ar -> Future.succeededFuture(ar.succeeded()
            ? new ChaosAnswer(sent, System.nanoTime(), ar.result().status(), json(ar.result()))
            : new ChaosAnswer(sent, System.nanoTime(), 0, null)));
  }

  private static JsonObject json(HttpTarget.Answer answer) {
    try {
      return answer.body().toJsonObject();
    } catch (RuntimeException e) {
      return null;
    }
  }

  static Future<Boolean> exists(HttpTarget gateway, String path) {
    return gateway.send(HttpMethod.GET, path, GatewayCalls.headers(BenchConfig.TENANT), null).map(a -> a.status() == 200);
  }

  /** True when the run, answered before the DLQ could take it, is now dead-lettered and its entry exists. */
  private static Future<Boolean> deadLetteredLate(HttpTarget gateway, String runId) {
    return gateway.send(HttpMethod.GET, "/v1/runs/" + runId, GatewayCalls.headers(BenchConfig.TENANT), null)
        .compose(a -> {
          JsonObject run = a.status() == 200 ? a.body().toJsonObject() : null;
          return run != null && "dead_lettered".equals(run.getString("status")) && run.getString("dlqId") != null
              ? exists(gateway, "/v1/dlq/" + run.getString("dlqId")) : Future.succeededFuture(false);
        });
  }
}
