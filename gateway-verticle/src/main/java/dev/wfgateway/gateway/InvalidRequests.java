package dev.wfgateway.gateway;

import dev.wfgateway.common.Problem;
import dev.wfgateway.common.ProblemType;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.http.HttpServerRequest;

/**
 * Answers requests the HTTP decoder rejected before any router sees them: a request line over
 * the limit (414), header fields over the limit (431), anything else unparseable (400). Like
 * Vert.x's default, it closes the connection afterwards, since the rest of the stream cannot be
 * trusted; unlike it, the answer is a problem.
 */
final class InvalidRequests {
  private InvalidRequests() {
  }

  static void answer(HttpServerRequest request) {
    Throwable cause = request.decoderResult().cause();
    Problem problem;
    if (cause instanceof TooLongHttpLineException) {
      problem = ProblemType.URI_TOO_LONG.problem("The request line is longer than the server accepts");
    } else if (cause instanceof TooLongHttpHeaderException) {
      problem = ProblemType.HEADERS_TOO_LARGE.problem("The request's header fields are larger than the server accepts");
    } else {
      problem = ProblemType.BAD_REQUEST.problem("The request is not valid HTTP");
    }
    request.response().setStatusCode(problem.status())
        .putHeader("Content-Type", Problem.CONTENT_TYPE)
        .putHeader("X-Request-Id", RequestIds.choose(null))
        .putHeader("Connection", "close")
        .end(problem.toJson().encode())
        .onComplete(ar -> request.connection().close());
  }
}
