package dev.wfgateway.testkit;

import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

/** Round trips through a real Vert.x Redis client, for the fixture tests. */
final class Commands {
  private Commands() {
  }

  /** SET key value, then GET key: what the server gave back. */
  static Future<String> setThenGet(Redis redis, String key, String value) {
    return redis.send(Request.cmd(Command.SET).arg(key).arg(value))
        .compose(ok -> redis.send(Request.cmd(Command.GET).arg(key)))
        .map(Response::toString);
  }
}
