package dev.wfgateway.bench;

import dev.wfgateway.testkit.Await;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Asks the gateway for runs ({@code GET /v1/runs/{id}}, as the bench tenant) until each has settled,
 * i.e. finished or answered 404, or a deadline passes: a pass over the unsettled runs every
 * {@link #INTERVAL}, its requests in flight together. Blocks the calling thread (the bench's main
 * thread) for each pass.
 */
final class RunPoller {
  private static final Duration INTERVAL = Duration.ofMillis(500);
  private static final Set<String> FINISHED = Set.of("succeeded", "failed", "dead_lettered");

  /** One answer to the GET: its status (0 when none came) and, on 200, the run record. */
  record Check(int status, JsonObject record) {
    static final Check NONE = new Check(0, null);

    boolean finished() {
      return status == 200 && FINISHED.contains(record.getString("status"));
    }

    boolean deadLettered() {
      return finished() && "dead_lettered".equals(record.getString("status"));
    }

    boolean settled() {
      return status == 404 || finished();
    }

    /** How a finished run ended: its status, and its error type when it has one ({@code dead_lettered/node_lost}). */
    String outcome() {
      JsonObject error = record.getJsonObject("error");
      return record.getString("status") + (error == null ? "" : "/" + error.getString("type"));
    }
  }

  private final Vertx vertx;
  private final HttpTarget gateway;

  RunPoller(Vertx vertx, HttpTarget gateway) {
    this.vertx = vertx;
    this.gateway = gateway;
  }

  /** The last check of every run: settled, or for a run still unsettled at the deadline the last answer it got. */
  Map<String, Check> untilSettled(List<String> runIds, Duration within) {
    long deadline = System.nanoTime() + within.toNanos();
    Map<String, Check> checks = new LinkedHashMap<>();
    runIds.forEach(runId -> checks.put(runId, Check.NONE));
    List<String> unsettled = runIds;
    while (!unsettled.isEmpty()) {
      checks.putAll(Await.result(pass(unsettled), ChaosVerdict.CHECK_TIMEOUT));
      unsettled = unsettled.stream().filter(runId -> !checks.get(runId).settled()).toList();
      if (unsettled.isEmpty() || System.nanoTime() > deadline) {
        break;
      }
      Await.result(vertx.timer(INTERVAL.toMillis(), TimeUnit.MILLISECONDS));
    }
    return checks;
  }

  private Future<Map<String, Check>> pass(List<String> runIds) {
    List<Future<Check>> checks = runIds.stream().map(this::check).toList();
    return Future.all(checks).map(all -> IntStream.range(0, runIds.size()).boxed()
        .collect(Collectors.toMap(runIds::get, i -> checks.get(i).result())));
  }

  private Future<Check> check(String runId) {
    return gateway.send(HttpMethod.GET, "/v1/runs/" + runId, GatewayCalls.headers(BenchConfig.TENANT), null)
        .map(answer -> new Check(answer.status(), answer.status() == 200 ? answer.body().toJsonObject() : null))
        .otherwise(Check.NONE);
  }
}
