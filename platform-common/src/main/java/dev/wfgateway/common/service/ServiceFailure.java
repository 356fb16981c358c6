package dev.wfgateway.common.service;

import dev.wfgateway.common.Problem;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;

/**
 * A platform service's refusal as the reply itself: the requester's future fails with this object,
 * which carries the problem. Its failure code is the HTTP status and its message the problem JSON,
 * which is what a JSON sender of DESIGN.md section 3 reads.
 */
public final class ServiceFailure extends ReplyException {
  static final RecordCodec<ServiceFailure> CODEC = new RecordCodec<>(ServiceFailure.class,
      failure -> failure.problem.toJson(), json -> new ServiceFailure(Problem.fromJson(json)));

  private final transient Problem problem;

  public ServiceFailure(Problem problem) {
    super(ReplyFailure.RECIPIENT_FAILURE, problem.status(), problem.toJson().encode());
    this.problem = problem;
  }

  public Problem problem() {
    return problem;
  }
}
