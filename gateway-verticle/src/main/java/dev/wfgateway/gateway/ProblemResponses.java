package dev.wfgateway.gateway;

import dev.wfgateway.common.Problem;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** Writes problems as {@code application/problem+json}, with {@code Retry-After} when the problem says when. */
final class ProblemResponses {
  private ProblemResponses() {
  }

  static void send(RoutingContext ctx, Problem problem) {
    HttpServerResponse response = ctx.response();
    if (response.ended() || response.closed()) {
      return;
    }
    if (problem.extensions().containsKey(Problem.REPLAYED_FIELD)) {
      JsonObject extensions = problem.extensions().copy();
      extensions.remove(Problem.REPLAYED_FIELD);
      problem = new Problem(problem.type(), problem.detail(), extensions);
      response.putHeader("Idempotent-Replayed", "true");
    }
    Object retryAfter = problem.extensions().getValue("retryAfterSeconds");
    if (retryAfter instanceof Number seconds && !response.headers().contains("Retry-After")) {
      response.putHeader("Retry-After", String.valueOf(Math.max(1, seconds.longValue())));
    }
    response.setStatusCode(problem.status())
        .putHeader("Content-Type", Problem.CONTENT_TYPE)
        .end(problem.toJson().put("instance", ctx.request().path()).encode());
  }

  static void fail(RoutingContext ctx, Throwable failure) {
    send(ctx, Problem.fromFailure(failure));
  }
}
