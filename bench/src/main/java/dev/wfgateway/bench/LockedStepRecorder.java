package dev.wfgateway.bench;

import dev.wfgateway.common.Headers;
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
 * step, which the workflow's lock must make impossible. It also plays a downstream that checks
 * fencing tokens: a call whose {@code x-fencing-token} is not larger than every token it saw for
 * that key before counts as <em>stale</em> (it must never happen, even when Redis loses the lock
 * keys and runs do overlap). Answers after {@link #STEP_MILLIS}.
 */
final class LockedStepRecorder {
  static final String PATH = "/locked";
  static final long STEP_MILLIS = 20;

  private final Map<String, AtomicLong> inside = new ConcurrentHashMap<>();
  private final List<Long> overlapNanos = new CopyOnWriteArrayList<>();
  private final Map<String, Long> largestToken = new ConcurrentHashMap<>();
  private final AtomicLong staleTokens = new AtomicLong();

  /** One call of the step; its body is what the platform sends a step, with the run's {@code input}. */
  void enter(Vertx vertx, HttpServerRequest request) {
    request.body().onSuccess(body -> {
      String key = body.toJsonObject().getJsonObject("input", new JsonObject()).getString("key", "");
      String token = request.getHeader(Headers.FENCING_TOKEN);
      if (token != null) {
        long value = Long.parseLong(token);
        if (largestToken.merge(key, value, Math::max) != value) {
          staleTokens.incrementAndGet();
        }
      }
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

  /** Calls whose fencing token was not larger than one seen before for the same key (must be 0). */
  long staleTokens() {
    return staleTokens.get();
  }

  /** Times two runs of the same key were inside the step at once (must be 0). */
  long overlaps() {
    return overlapNanos.size();
  }
}
