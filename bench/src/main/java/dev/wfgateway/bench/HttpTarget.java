package dev.wfgateway.bench;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;

/**
 * An HTTP server driven by the load generator (on loopback unless a host is given): non-blocking
 * requests on the generator's Vert.x, a pool of HTTP/1.1 keep-alive connections without
 * pipelining, and an idle timeout so a hung server is an error, not a stall.
 */
final class HttpTarget {
  /**
   * Longer than the gateway may hold a sync run (the chaos workflow: timeout 1 s + lock wait 3 s +
   * 5 s), so that only a gateway that does not answer at all counts as no answer.
   */
  static final long REQUEST_IDLE_TIMEOUT_MILLIS = 20_000;

  /** One answer: status, headers and the whole body. */
  record Answer(int status, MultiMap headers, Buffer body) {
  }

  private final HttpClientAgent client;
  private final String host;
  private final int port;

  HttpTarget(Vertx vertx, int port) {
    this(vertx, "127.0.0.1", port, 512);
  }

  /** At most {@code connections} requests are out at once; the others wait for a connection. */
  HttpTarget(Vertx vertx, String host, int port, int connections) {
    this.host = host;
    this.port = port;
    this.client = vertx.httpClientBuilder()
        .with(new HttpClientOptions().setKeepAlive(true).setPipelining(false).setTcpNoDelay(true))
        .with(new PoolOptions().setHttp1MaxSize(connections).setMaxWaitQueueSize(-1))
        .build();
  }

  Future<Answer> send(HttpMethod method, String path, MultiMap headers, Buffer body) {
    RequestOptions options = new RequestOptions().setMethod(method).setHost(host).setPort(port)
        .setURI(path).setIdleTimeout(REQUEST_IDLE_TIMEOUT_MILLIS);
    if (headers != null) {
      options.setHeaders(headers);
    }
    return client.request(options)
        .compose(request -> body == null ? request.send() : request.send(body))
        .compose(response -> response.body().map(b -> new Answer(response.statusCode(), response.headers(), b)));
  }

  Future<Void> close() {
    return client.close();
  }
}
