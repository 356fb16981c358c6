package dev.wfgateway.workflow;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.AsyncMap;
import java.time.Clock;

/**
 * The local backend's records with a time to live: run records and idempotency keys. Clustered,
 * a Vert.x async map (Hazelcast's, cluster-wide); alone, {@link ExpiringRecordMap} in this node's
 * memory (Vert.x's local async map sets a timer for every write, millions of them under load).
 */
interface RecordMap {
  Future<String> get(String key);

  Future<Void> put(String key, String value, long ttlMillis);

  /** Stores {@code value} only if {@code key} holds nothing; answers what it held, or null. */
  Future<String> putIfAbsent(String key, String value, long ttlMillis);

  /** Removes {@code key} only while it holds {@code value}. */
  Future<Boolean> removeIfPresent(String key, String value);

  static RecordMap of(Vertx vertx, String name, Timers timers, Clock clock) {
    return vertx.isClustered() ? shared(vertx.sharedData().getAsyncMap(name)) : new ExpiringRecordMap(timers, clock);
  }

  private static RecordMap shared(Future<AsyncMap<String, String>> map) {
    return new RecordMap() {
      @Override
      public Future<String> get(String key) {
        return map.compose(m -> m.get(key));
      }

      @Override
      public Future<Void> put(String key, String value, long ttlMillis) {
        return map.compose(m -> m.put(key, value, ttlMillis));
      }

      @Override
      public Future<String> putIfAbsent(String key, String value, long ttlMillis) {
        return map.compose(m -> m.putIfAbsent(key, value, ttlMillis));
      }

      @Override
      public Future<Boolean> removeIfPresent(String key, String value) {
        return map.compose(m -> m.removeIfPresent(key, value));
      }
    };
  }
}
