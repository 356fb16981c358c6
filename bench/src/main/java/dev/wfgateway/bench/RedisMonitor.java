package dev.wfgateway.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;
import io.vertx.core.parsetools.RecordParser;
import java.net.URI;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts the commands clients send to Redis, i.e. network round trips, with {@code MONITOR}.
 * Commands a Lua script runs inside the server are listed by MONITOR as {@code [db lua]} and
 * not counted. MONITOR slows Redis down, so it is attached only for short probes, never during a
 * timed run.
 */
final class RedisMonitor {
  private final NetSocket socket;
  private final AtomicLong commands = new AtomicLong();

  private RedisMonitor(NetSocket socket) {
    this.socket = socket;
    socket.handler(RecordParser.newDelimited("\r\n", this::line));
  }

  static Future<RedisMonitor> attach(Vertx vertx, String redisUrl) {
    URI uri = URI.create(redisUrl);
    return vertx.createNetClient().connect(uri.getPort(), uri.getHost())
        .compose(socket -> {
          RedisMonitor monitor = new RedisMonitor(socket);
          return socket.write("MONITOR\r\n").map(monitor);
        });
  }

  private void line(Buffer buffer) {
    String line = buffer.toString();
    // "+1700000000.123456 [0 127.0.0.1:5123] "evalsha" ..." is a client's command; "[0 lua]" is a script's.
    if (line.length() > 1 && line.charAt(0) == '+' && Character.isDigit(line.charAt(1)) && !line.contains(" lua]")) {
      commands.incrementAndGet();
    }
  }

  long commands() {
    return commands.get();
  }

  Future<Void> close() {
    return socket.close();
  }
}
