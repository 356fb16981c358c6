package dev.wfgateway.common.redis;

import io.vertx.core.Future;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * A Redis Cluster client that sends every command over one held cluster connection, and replaces
 * it when it breaks.
 *
 * <p>Why: Vert.x's cluster client (5.0.10 and later) opens a connection to every node that
 * {@code CLUSTER SLOTS} lists, replicas included, for each command sent through the client, and
 * fails the command when any one of them cannot be reached. One dead replica then failed every run
 * until the cluster stopped listing it. A held connection is routed by slot to the masters it
 * needs and is not touched by a replica's death. A command that fails without a Redis error reply
 * (a closed socket, or no answer within the command timeout, as from a hung master) drops the held
 * connection, so the next command connects again with the slot map as the cluster sees it then.
 * Failed commands are not sent again here: a command may have been executed before its connection
 * broke, and only the caller knows whether repeating it is safe.
 */
final class HeldClusterConnection implements Redis {
  private final Redis client;
  private final long commandTimeoutMillis;
  private final AtomicReference<Future<RedisConnection>> held = new AtomicReference<>();

  HeldClusterConnection(Redis client, long commandTimeoutMillis) {
    this.client = client;
    this.commandTimeoutMillis = commandTimeoutMillis;
  }

  @Override
  public Future<RedisConnection> connect() {
    return client.connect();
  }

  @Override
  public Future<Response> send(Request request) {
    return over(connection -> connection.send(request));
  }

  @Override
  public Future<List<Response>> batch(List<Request> requests) {
    return over(connection -> connection.batch(requests));
  }

  private <T> Future<T> over(Function<RedisConnection, Future<T>> command) {
    Future<RedisConnection> connection = connection();
    return connection.compose(command).timeout(commandTimeoutMillis, TimeUnit.MILLISECONDS).onFailure(failure -> {
      if (!(failure instanceof Response)) { // a Redis error reply leaves the connection as good as it was
        drop(connection);
      }
    });
  }

  private Future<RedisConnection> connection() {
    while (true) {
      Future<RedisConnection> current = held.get();
      if (current != null) {
        return current;
      }
      Future<RedisConnection> connecting = client.connect();
      if (held.compareAndSet(null, connecting)) {
        connecting.onFailure(e -> held.compareAndSet(connecting, null));
        return connecting;
      }
      connecting.onSuccess(RedisConnection::close);
    }
  }

  private void drop(Future<RedisConnection> broken) {
    if (held.compareAndSet(broken, null)) {
      broken.onSuccess(RedisConnection::close);
    }
  }

  @Override
  public Future<Void> close() {
    Future<RedisConnection> current = held.getAndSet(null);
    if (current != null) {
      current.onSuccess(RedisConnection::close);
    }
    return client.close();
  }
}
