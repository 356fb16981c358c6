package dev.wfgateway.dlq;

import io.vertx.core.Handler;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Periodic timers on a time of their own, which only {@link #advance} moves: each timer fires as
 * often as its period fits, at exactly its due times, in due order.
 */
final class FakeTimers implements PeriodicTimers {
  private static final class Periodic {
    final long id;
    final long period;
    final Handler<Long> tick;
    long due;

    Periodic(long id, long period, Handler<Long> tick, long due) {
      this.id = id;
      this.period = period;
      this.tick = tick;
      this.due = due;
    }
  }

  private final Map<Long, Periodic> running = new LinkedHashMap<>();
  /** The period of every timer started, in order. */
  final List<Long> periodsStarted = new ArrayList<>();
  private long now;
  private long nextId;

  @Override
  public long start(long periodMillis, Handler<Long> tick) {
    long id = nextId++;
    running.put(id, new Periodic(id, periodMillis, tick, now + periodMillis));
    periodsStarted.add(periodMillis);
    return id;
  }

  @Override
  public void cancel(long id) {
    running.remove(id);
  }

  int running() {
    return running.size();
  }

  void advance(long millis) {
    long until = now + millis;
    while (true) {
      Periodic next = running.values().stream().filter(p -> p.due <= until)
          .min(Comparator.comparingLong((Periodic p) -> p.due)).orElse(null);
      if (next == null) {
        break;
      }
      now = next.due;
      next.due += next.period;
      next.tick.handle(next.id);
    }
    now = until;
  }
}
