package dev.wfgateway.bench;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The first step of the {@code chaos} benchmark workflow, {@code POST /locked} on {@link EchoServices}
 * (HTTP, so that platform nodes in other processes can call it): tracks entry and exit per lock
 * key and counts an <em>overlap</em> whenever a second run enters a key that is still inside the
 * step, which the workflow's lock must make impossible. Answers after {@link #STEP_MILLIS}.
 */
final class LockedStepRecorder {
  static final String PATH = "/locked";
  static final long STEP_MILLIS = 20;

  private final Map<String, AtomicLong> inside = new ConcurrentHashMap<>();
  private final List<Long> overlapNanos = new CopyOnWriteArrayList<>();

  /** One call of the step; its body is what the platform sends a step, with the run's {@code input}. */
  void enter(Vertx vertx, HttpServerRequest request) {
    request.body().onSuccess(body -> {
      String key = body.toJsonObject().getJsonObject("input", new JsonObject()).getString("key", "");
      AtomicLong here = inside.computeIfAbsent(key, k -> new AtomicLong());
      if (here.incrementAndGet() > 1) {
        overlapNanos.add(System.nanoTime());
      }
      vertx.setTimer(STEP_MILLIS, id -> {
        here.decrementAndGet();
        request.response().putHeader("Content-Type", "application/json").end(new JsonObject().put("key", key).encode());
      });
    });
  }

  /** When each overlap happened ({@link System#nanoTime}), for the timeline. */
  List<Long> overlapNanos() {
    return List.copyOf(overlapNanos);
  }

  /** Times two runs of the same key were inside the step at once (must be 0). */
  long overlaps() {
    return overlapNanos.size();
  }
}
