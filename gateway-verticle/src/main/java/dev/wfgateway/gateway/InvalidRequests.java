package dev.wfgateway.gateway;

import dev.wfgateway.common.Problem;
import dev.wfgateway.common.ProblemType;
import dev.wfgateway.gateway.RequestIntake.Refusal;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import java.util.Collections;
import java.util.Set;
import java.util.WeakHashMap;

/**
 * Answers, as problems, the requests refused before any route sees them: those the HTTP decoder
 * could not parse (414 request line, 431 header fields, 400 anything else) and those
 * {@link RequestIntake} refuses. When the framing was ambiguous the connection is closed, and a
 * request the decoder already read from it behind the refused one is never handled: it may be
 * the body of the refused one, smuggled. The same holds after a chunked request (see
 * {@link RequestIntake#lastOnConnection}).
 */
final class InvalidRequests {
  private final Set<HttpConnection> untrusted = Collections.newSetFromMap(new WeakHashMap<>());

  /** The server's request handler: what the intake refuses is answered here, the rest goes to {@code next}. */
  Handler<HttpServerRequest> guarding(Handler<HttpServerRequest> next) {
    return request -> {
      if (untrusted.contains(request.connection())) {
        request.connection().close();
        return;
      }
      Refusal refusal = RequestIntake.check(request);
      if (refusal == null) {
        if (RequestIntake.lastOnConnection(request)) {
          untrusted.add(request.connection());
          request.response().putHeader("Connection", "close");
        }
        next.handle(request);
      } else {
        answer(request, refusal.problem(), refusal.close());
      }
    };
  }

  /** The server's handler for requests the decoder failed on; the stream after them cannot be trusted. */
  void undecodable(HttpServerRequest request) {
    Throwable cause = request.decoderResult().cause();
    Problem problem;
    if (cause instanceof TooLongHttpLineException) {
      problem = ProblemType.URI_TOO_LONG.problem("The request line is longer than the server accepts");
    } else if (cause instanceof TooLongHttpHeaderException) {
      problem = ProblemType.HEADERS_TOO_LARGE.problem("The request's header fields are larger than the server accepts");
    } else {
      problem = ProblemType.BAD_REQUEST.problem("The request is not valid HTTP");
    }
    answer(request, problem, true);
  }

  private void answer(HttpServerRequest request, Problem problem, boolean close) {
    if (close) {
      untrusted.add(request.connection());
      request.response().putHeader("Connection", "close");
    }
    request.response().setStatusCode(problem.status())
        .putHeader("Content-Type", Problem.CONTENT_TYPE)
        .putHeader("X-Request-Id", RequestIds.choose(request.getHeader("X-Request-Id")))
        .end(problem.toJson().encode())
        .onComplete(ar -> {
          if (close) {
            request.connection().close();
          }
        });
  }
}
