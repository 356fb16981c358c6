package dev.wfgateway.common;

/** Fails a future with a problem the caller should see as is. */
public final class ProblemException extends RuntimeException {
  private final transient Problem problem;

  public ProblemException(Problem problem) {
    super(problem.detail(), null, false, false);
    this.problem = problem;
  }

  public Problem problem() {
    return problem;
  }

  /** Whether {@code failure} is a problem of {@code type}. */
  public static boolean is(Throwable failure, ProblemType type) {
    return failure instanceof ProblemException pe && pe.problem.type() == type;
  }
}
