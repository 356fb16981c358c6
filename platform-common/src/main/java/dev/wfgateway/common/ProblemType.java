package dev.wfgateway.common;

/** Every kind of error the platform answers, with its stable type URI and HTTP status. */
public enum ProblemType {
  BAD_REQUEST("bad-request", 400, "Bad request"),
  BAD_FRAMING("ambiguous-framing", 400, "The request's framing is ambiguous"),
  MALFORMED_JSON("malformed-json", 400, "Malformed JSON"),
  VALIDATION_FAILED("validation-failed", 400, "Input failed validation"),
  INVALID_IDEMPOTENCY_KEY("invalid-idempotency-key", 400, "Invalid Idempotency-Key"),
  UNAUTHORIZED("unauthorized", 401, "Missing or invalid credentials"),
  NOT_FOUND("not-found", 404, "Not found"),
  METHOD_NOT_ALLOWED("method-not-allowed", 405, "Method not allowed"),
  IDEMPOTENCY_IN_PROGRESS("idempotency-in-progress", 409, "A request with this Idempotency-Key is still running"),
  RUN_ID_TAKEN("run-id-taken", 409, "A run with this id already exists"),
  LOCK_CONTENDED("lock-contended", 409, "Another run holds the lock for this key"),
  PAYLOAD_TOO_LARGE("payload-too-large", 413, "Request body too large"),
  URI_TOO_LONG("uri-too-long", 414, "Request line too long"),
  UNSUPPORTED_MEDIA_TYPE("unsupported-media-type", 415, "Request body must be application/json"),
  EXPECTATION_FAILED("expectation-failed", 417, "Expectation not supported"),
  IDEMPOTENCY_MISMATCH("idempotency-key-reused", 422, "Idempotency-Key reused with a different request body"),
  RATE_LIMITED("rate-limited", 429, "Rate limit exceeded"),
  HEADERS_TOO_LARGE("headers-too-large", 431, "Request header fields too large"),
  BULKHEAD_FULL("bulkhead-full", 429, "Too many concurrent runs for this tenant"),
  INTERNAL("internal-error", 500, "Internal error"),
  RUN_FAILED("run-failed", 502, "The run failed and was dead-lettered"),
  DEPENDENCY_UNAVAILABLE("dependency-unavailable", 503, "A dependency of this request is unavailable"),
  RUN_TIMEOUT("run-timeout", 504, "The run exceeded its timeout and was dead-lettered");

  public static final String BASE_URI = "https://wfgateway.dev/problems/";

  private final String slug;
  private final int status;
  private final String title;

  ProblemType(String slug, int status, String title) {
    this.slug = slug;
    this.status = status;
    this.title = title;
  }

  public String uri() {
    return BASE_URI + slug;
  }

  public int status() {
    return status;
  }

  public String title() {
    return title;
  }

  public Problem problem(String detail) {
    return new Problem(this, detail, null);
  }
}
