package dev.wfgateway.gateway;

import dev.wfgateway.common.Problem;
import dev.wfgateway.common.ProblemException;
import dev.wfgateway.common.ProblemType;
import dev.wfgateway.common.messages.DlqFilter;
import dev.wfgateway.common.json.JsonRejected;
import dev.wfgateway.common.json.StrictJson;
import dev.wfgateway.common.messages.DlqReason;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;

/** Reads and checks what a client sent: bodies, Idempotency-Key, DLQ filters. Bad input is a 4xx problem. */
final class RequestInput {
  private static final Set<String> RUN_BODY_FIELDS = Set.of("input");
  private static final int MAX_IDEMPOTENCY_KEY = 255;
  static final int MAX_PAGE = 500;
  private static final Set<String> FILTER_PARAMETERS = Set.of("workflow", "reason", "q");
  static final Set<String> PAGE_PARAMETERS = Set.of("limit", "cursor");
  private static final Set<HttpMethod> BODILESS = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.DELETE);

  private RequestInput() {
  }

  /**
   * GET, HEAD and DELETE take no body here: one sent anyway (even an empty chunked one) is a 400,
   * never silently ignored. What was read counts, since h2 frames a body without either header.
   */
  static void refuseUnexpectedBody(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    Buffer body = ctx.body().buffer();
    boolean hasBody = request.headers().contains("Transfer-Encoding") || (body != null && body.length() > 0);
    if (hasBody && BODILESS.contains(request.method())) {
      throw new ProblemException(ProblemType.BAD_REQUEST.problem(request.method() + " requests take no body"));
    }
    ctx.next();
  }

  /**
   * The run's input from a body {@code {"input": {...}}}; an empty body means an empty input. The
   * body is read by {@link StrictJson}: an input nested deeper than {@code maxDepth}, invalid UTF-8
   * or a number that would change is refused before anything is built from it.
   */
  static JsonObject runInput(RoutingContext ctx, int maxDepth) {
    Buffer body = ctx.body().buffer();
    if (body == null || body.length() == 0) {
      return new JsonObject();
    }
    // RequestIntake refused any other Content-Type; a body may still have come without one
    if (ctx.request().getHeader("Content-Type") == null) {
      throw new ProblemException(ProblemType.UNSUPPORTED_MEDIA_TYPE
          .problem("Send the body as application/json (got no Content-Type)"));
    }
    Object parsed;
    try {
      parsed = StrictJson.decode(body, maxDepth, 1);
    } catch (JsonRejected e) {
      throw new ProblemException(e.problem());
    }
    if (!(parsed instanceof JsonObject json)) {
      throw invalid("", "The body must be a JSON object such as {\"input\": {...}}");
    }
    for (String field : json.fieldNames()) {
      if (!RUN_BODY_FIELDS.contains(field)) {
        throw invalid("/" + field, "Unknown field '" + field + "'; the body is {\"input\": {...}}");
      }
    }
    Object input = json.getValue("input");
    if (input == null) {
      return new JsonObject();
    }
    if (!(input instanceof JsonObject inputObject)) {
      throw invalid("/input", "input must be a JSON object");
    }
    return inputObject;
  }

  /** The Idempotency-Key header: absent, or 1 to 255 printable ASCII characters. */
  static String idempotencyKey(RoutingContext ctx) {
    String key = ctx.request().getHeader("Idempotency-Key");
    if (key == null) {
      return null;
    }
    boolean printable = !key.isEmpty() && key.length() <= MAX_IDEMPOTENCY_KEY
        && key.chars().allMatch(c -> c >= 0x20 && c < 0x7f);
    if (!printable) {
      throw new ProblemException(ProblemType.INVALID_IDEMPOTENCY_KEY
          .problem("Idempotency-Key must be 1 to 255 printable ASCII characters"));
    }
    return key;
  }

  /** True for {@code Prefer: respond-async} (RFC 7240), among other preferences. */
  static boolean prefersAsync(RoutingContext ctx) {
    for (String prefer : ctx.request().headers().getAll("Prefer")) {
      for (String token : prefer.split(",")) {
        if (token.trim().split(";", 2)[0].trim().equalsIgnoreCase("respond-async")) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * A DLQ filter from the query string, scoped to {@code tenant} (null for admin-wide). Parameters
   * other than the filter's and {@code otherParameters} are a 400: a bulk delete must never
   * ignore a parameter the client believed would narrow it.
   */
  static DlqFilter dlqFilter(RoutingContext ctx, String tenant, Set<String> otherParameters) {
    MultiMap params = ctx.queryParams();
    for (String name : params.names()) {
      if (!otherParameters.contains(name)) {
        allowOnly(name, FILTER_PARAMETERS);
      }
    }
    String reason = single(params, "reason");
    if (reason != null) {
      try {
        // Taken in any case, passed on in the wire form the entries carry: TIMEOUT filters as timeout.
        reason = DlqReason.fromWire(reason).wire();
      } catch (IllegalArgumentException e) {
        throw invalid("reason", "reason must be one of step_failed, timeout, circuit_open, lock_lost, rejected");
      }
    }
    return new DlqFilter(tenant, null, single(params, "workflow"), reason, single(params, "q"));
  }

  /** A query parameter outside {@code allowed} is a 400: an action must never ignore one the caller meant. */
  static void allowOnly(RoutingContext ctx, Set<String> allowed) {
    ctx.queryParams().names().forEach(name -> allowOnly(name, allowed));
  }

  private static void allowOnly(String name, Set<String> allowed) {
    if (!allowed.contains(name)) {
      throw invalid(name, "unknown query parameter '" + name + "'");
    }
  }

  /** The paging part of a DLQ query: {@code limit} (1..500) and an opaque {@code cursor}. */
  static JsonObject page(RoutingContext ctx, JsonObject query) {
    String limit = single(ctx.queryParams(), "limit");
    if (limit != null) {
      int n;
      try {
        n = Integer.parseInt(limit);
      } catch (NumberFormatException e) {
        n = -1;
      }
      if (n < 1 || n > MAX_PAGE) {
        throw invalid("limit", "limit must be a whole number from 1 to " + MAX_PAGE);
      }
      query.put("limit", n);
    }
    String cursor = single(ctx.queryParams(), "cursor");
    if (cursor != null) {
      query.put("cursor", cursor);
    }
    return query;
  }

  private static String single(MultiMap params, String name) {
    var values = params.getAll(name);
    if (values.size() > 1) {
      throw invalid(name, "give " + name + " at most once");
    }
    return values.isEmpty() || values.get(0).isEmpty() ? null : values.get(0);
  }

  private static ProblemException invalid(String pointer, String message) {
    return new ProblemException(Problem.invalid(pointer, message));
  }
}
