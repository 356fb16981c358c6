package dev.wfgateway.bench;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.LongFunction;

/** The requests the load scenarios send to the gateway, each a {@link Call} that classifies its answer. */
final class GatewayCalls {
  static final long POLL_INTERVAL_MILLIS = 5;
  static final int MAX_POLLS = 1_000;
  private static final Set<String> FINISHED = Set.of("succeeded", "failed", "dead_lettered");

  private final Vertx vertx;
  private final HttpTarget gateway;

  GatewayCalls(Vertx vertx, HttpTarget gateway) {
    this.vertx = vertx;
    this.gateway = gateway;
  }

  Call health() {
    return i -> gateway.send(HttpMethod.GET, "/health/live", null, null).map(answer -> expect(answer, 200, false));
  }

  /** A synchronous run of {@code workflow} by the tenant {@code tenantOf(i)}; 429 counts as limited when {@code limitedExpected}. */
  Call submit(LongFunction<String> tenantOf, String workflow, boolean limitedExpected) {
    return i -> gateway.send(HttpMethod.POST, runsPath(workflow), headers(tenantOf.apply(i)), input(i))
        .map(answer -> expect(answer, 200, limitedExpected));
  }

  /** The same {@code keys} Idempotency-Keys over and over, each always with the same body: all but the first are replays. */
  Call idempotentReplay(String tenant, String workflow, int keys) {
    return i -> {
      long key = i % keys;
      return gateway.send(HttpMethod.POST, runsPath(workflow),
              headers(tenant).add("Idempotency-Key", "bench-replay-" + key), input(key))
          .map(answer -> expect(answer, 200, false));
    };
  }

  /** {@code Prefer: respond-async}, then polls the run's Location until it has finished. */
  Call submitAndPoll(String tenant, String workflow) {
    return i -> gateway.send(HttpMethod.POST, runsPath(workflow), headers(tenant).add("Prefer", "respond-async"), input(i))
        .compose(answer -> {
          expect(answer, 202, false);
          String location = answer.headers().get("Location");
          return poll(tenant, location, 0);
        });
  }

  private Future<Outcome> poll(String tenant, String location, int polls) {
    return gateway.send(HttpMethod.GET, location, headers(tenant), null).compose(answer -> {
      expect(answer, 200, false);
      String status = answer.body().toJsonObject().getString("status");
      if ("succeeded".equals(status)) {
        return Future.succeededFuture(Outcome.OK);
      }
      if (FINISHED.contains(status)) {
        return Future.failedFuture(new UnexpectedAnswer("run " + status));
      }
      if (polls >= MAX_POLLS) {
        return Future.failedFuture(new UnexpectedAnswer("run still " + status + " after " + MAX_POLLS + " polls"));
      }
      return vertx.timer(POLL_INTERVAL_MILLIS, TimeUnit.MILLISECONDS).compose(t -> poll(tenant, location, polls + 1));
    });
  }

  static String runsPath(String workflow) {
    return "/v1/workflows/" + workflow + "/runs";
  }

  static MultiMap headers(String tenant) {
    return MultiMap.caseInsensitiveMultiMap()
        .add("Authorization", "Bearer " + BenchConfig.apiKey(tenant))
        .add("Content-Type", "application/json");
  }

  private static Buffer input(long n) {
    return new JsonObject().put("input", new JsonObject().put("n", n)).toBuffer();
  }

  /** OK on {@code status}; LIMITED on 429 when expected; otherwise an {@link UnexpectedAnswer}. */
  static Outcome expect(HttpTarget.Answer answer, int status, boolean limitedExpected) {
    if (answer.status() == status) {
      return Outcome.OK;
    }
    if (answer.status() == 429 && limitedExpected) {
      return Outcome.LIMITED;
    }
    throw new UnexpectedAnswer("HTTP " + answer.status());
  }
}
