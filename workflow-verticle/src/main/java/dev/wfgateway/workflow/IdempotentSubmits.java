package dev.wfgateway.workflow;

import dev.wfgateway.common.messages.SubmittedRun;
import dev.wfgateway.common.Problem;
import dev.wfgateway.common.ProblemException;
import dev.wfgateway.common.ProblemType;
import dev.wfgateway.common.messages.RunRecord;
import dev.wfgateway.common.messages.SubmitRunRequest;
import dev.wfgateway.workflow.IdempotencyStore.IdempotencyScope;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Duration;

/**
 * Submits that carry an Idempotency-Key (IETF httpapi draft, Stripe's semantics): the key is
 * claimed before the run is admitted; the first answer of a run that began executing is stored
 * and replayed for {@code retention}; the same key with another body is a 422, while running a 409.
 */
final class IdempotentSubmits {
  /** How much longer than its run an in-progress claim lives, so a crashed node's claim frees itself. */
  private static final Duration IN_PROGRESS_MARGIN = Duration.ofSeconds(30);

  /** Admits the run once the key is claimed. */
  interface Admitter {
    Future<Admission> admit(RunContext context, String runId);
  }

  private final IdempotencyStore idempotency;
  private final Duration retention;

  IdempotentSubmits(IdempotencyStore idempotency, Duration retention) {
    this.idempotency = idempotency;
    this.retention = retention;
  }

  /**
   * Stripe's semantics: only a run that began executing stores its first response, which is then
   * replayed: a 202 for async, a success, or a run that failed or timed out after it called a
   * downstream ({@link #executed}). A request refused before that stores nothing and frees the key.
   */
  Future<SubmittedRun> submit(RunContext context, String runId, boolean resent, Admitter admitter) {
    SubmitRunRequest request = context.request();
    IdempotencyScope scope = new IdempotencyScope(request.tenant(), request.workflow(), request.idempotencyKey());
    IdempotencyRecord claim = IdempotencyRecord.inProgress(Fingerprint.of(request.input()), runId);
    Duration claimTtl = context.definition().timeout().plus(IN_PROGRESS_MARGIN)
        .plus(context.definition().lock() == null ? Duration.ZERO : context.definition().lock().maxWait());
    return idempotency.claim(scope, claim, claimTtl)
        .recover(e -> Future.failedFuture(WorkflowEngine.unavailable("The idempotency store is unavailable")))
        // A resent submit finds the claim its first node made for this very run, and carries on with it.
        .compose(existing -> existing != null && !(resent && ownClaim(existing, claim)) ? replay(existing, claim)
            : admitter.admit(context, runId).transform(admitted -> admitted.succeeded()
                ? answerOnce(scope, claim, request.async(), admitted.result())
                : release(scope, claim).transform(v -> Future.failedFuture(admitted.cause()))));
  }

  private Future<SubmittedRun> answerOnce(IdempotencyScope scope, IdempotencyRecord claim, boolean async,
      Admission admission) {
    if (async) {
      return storeAnswer(scope, claim, 202, admission.recorded());
    }
    return admission.outcome().compose(outcome -> {
      if (outcome.succeeded()) {
        return storeAnswer(scope, claim, 200, outcome.record());
      }
      Problem problem = outcome.problem();
      Future<Void> kept = executed(outcome) ? store(scope, claim.complete(problem.status(), problem.toJson()))
          : release(scope, claim);
      return kept.compose(v -> Future.failedFuture(new ProblemException(problem)));
    });
  }

  /**
   * Whether a failed run had begun executing: it called a downstream in some attempt, and failed or
   * timed out. One whose every attempt an open breaker refused, or that never got its lock, did
   * nothing. A run cut short by this node's shutdown (503) keeps the key free as well.
   */
  private static boolean executed(RunOutcome outcome) {
    ProblemType type = outcome.problem().type();
    return outcome.stepCalled() && (type == ProblemType.RUN_FAILED || type == ProblemType.RUN_TIMEOUT);
  }

  private Future<SubmittedRun> storeAnswer(IdempotencyScope scope, IdempotencyRecord claim, int status, RunRecord run) {
    JsonObject body = run.toJson();
    return store(scope, claim.complete(status, body)).map(new SubmittedRun(body, false));
  }

  private Future<Void> release(IdempotencyScope scope, IdempotencyRecord claim) {
    return idempotency.release(scope, claim).otherwiseEmpty();
  }

  private static boolean ownClaim(IdempotencyRecord existing, IdempotencyRecord claim) {
    return !existing.completed() && claim.runId().equals(existing.runId())
        && existing.fingerprint().equals(claim.fingerprint());
  }

  private Future<Void> store(IdempotencyScope scope, IdempotencyRecord completed) {
    // The run already happened: a store that fails now only costs the replay, never the answer.
    return idempotency.complete(scope, completed, retention).otherwiseEmpty();
  }

  private static Future<SubmittedRun> replay(IdempotencyRecord existing, IdempotencyRecord claim) {
    if (!existing.fingerprint().equals(claim.fingerprint())) {
      return Future.failedFuture(new ProblemException(ProblemType.IDEMPOTENCY_MISMATCH
          .problem("This Idempotency-Key was used with a different request body")));
    }
    if (!existing.completed()) {
      return Future.failedFuture(new ProblemException(ProblemType.IDEMPOTENCY_IN_PROGRESS
          .problem("The first request with this Idempotency-Key is still running").with("runId", existing.runId())
          .with("retryAfterSeconds", 1)));
    }
    if (existing.status() >= 400) {
      return Future.failedFuture(new ProblemException(
          Problem.fromJson(existing.body()).with(Problem.REPLAYED_FIELD, true)));
    }
    return Future.succeededFuture(new SubmittedRun(existing.body(), true));
  }
}
