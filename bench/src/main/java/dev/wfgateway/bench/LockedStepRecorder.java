package dev.wfgateway.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The first step of the {@code chaos} benchmark workflow: tracks entry and exit per lock key and
 * counts an <em>overlap</em> whenever a second run enters a key that is still inside the step,
 * which the workflow's lock must make impossible. Answers after {@link #STEP_MILLIS}.
 */
final class LockedStepRecorder {
  static final String ADDRESS = "bench.locked";
  static final long STEP_MILLIS = 20;

  private final Map<String, AtomicLong> inside = new ConcurrentHashMap<>();
  private final AtomicLong overlaps = new AtomicLong();
  private MessageConsumer<JsonObject> consumer;

  Future<Void> register(Vertx vertx) {
    consumer = vertx.eventBus().consumer(ADDRESS, message -> enter(vertx, message));
    return consumer.completion();
  }

  Future<Void> unregister() {
    return consumer.unregister();
  }

  private void enter(Vertx vertx, Message<JsonObject> message) {
    String key = message.body().getJsonObject("input", new JsonObject()).getString("key", "");
    AtomicLong here = inside.computeIfAbsent(key, k -> new AtomicLong());
    if (here.incrementAndGet() > 1) {
      overlaps.incrementAndGet();
    }
    vertx.setTimer(STEP_MILLIS, id -> {
      here.decrementAndGet();
      message.reply(new JsonObject().put("key", key));
    });
  }

  /** Times two runs of the same key were inside the step at once (must be 0). */
  long overlaps() {
    return overlaps.get();
  }
}
