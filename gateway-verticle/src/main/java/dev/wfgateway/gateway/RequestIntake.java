package dev.wfgateway.gateway;

import dev.wfgateway.common.Problem;
import dev.wfgateway.common.ProblemType;
import dev.wfgateway.common.json.Utf8;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The head of every request, checked before any route sees it, the same on HTTP/1.1 and h2:
 * framing (RFC 9112 §6: a body length two parsers could read differently is refused and the
 * connection closed, so nothing after it can be smuggled in as a request of its own), the size of
 * the request target and header section, percent-encoding, {@code Expect}, and the media type and
 * coding of a body.
 */
final class RequestIntake {
  /** The header section's limit on both protocols, counted as HTTP/1.1 lines ({@code name: value CRLF}). */
  static final int MAX_HEADER_BYTES = 16 * 1024;
  /** The request target's limit: HTTP/1.1's decoder holds the whole request line to this. */
  static final int MAX_TARGET_CHARS = 4096;
  private static final Set<HttpMethod> BODY_METHODS = Set.of(HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH);

  /** A request refused before routing; {@code close} when the rest of the connection cannot be trusted. */
  record Refusal(Problem problem, boolean close) {
  }

  private RequestIntake() {
  }

  /** Null when the request may go on to the router. */
  static Refusal check(HttpServerRequest request) {
    MultiMap headers = request.headers();
    if (request.version() != HttpVersion.HTTP_2) {
      Refusal framing = framing(request, headers);
      if (framing != null) {
        return framing;
      }
    }
    if (request.uri().length() > MAX_TARGET_CHARS) {
      return new Refusal(ProblemType.URI_TOO_LONG.problem("The request target is longer than "
          + MAX_TARGET_CHARS + " characters"), false);
    }
    if (headerBytes(headers) > MAX_HEADER_BYTES) {
      return new Refusal(ProblemType.HEADERS_TOO_LARGE.problem("The request's header fields are larger than "
          + MAX_HEADER_BYTES + " bytes"), false);
    }
    if (!wellEncoded(request.uri())) {
      return new Refusal(ProblemType.BAD_REQUEST.problem("The request target must be ASCII with valid"
          + " percent-encoding of UTF-8"), false);
    }
    String expect = headers.get("Expect");
    if (expect != null && !expect.trim().equalsIgnoreCase("100-continue")) {
      return new Refusal(ProblemType.EXPECTATION_FAILED.problem("The only expectation this server meets is"
          + " Expect: 100-continue"), false);
    }
    return mediaType(request, headers);
  }

  private static Refusal framing(HttpServerRequest request, MultiMap headers) {
    List<String> transferEncoding = headers.getAll("Transfer-Encoding");
    if (!transferEncoding.isEmpty()) {
      if (request.version() == HttpVersion.HTTP_1_0) {
        return ambiguous("HTTP/1.0 has no Transfer-Encoding");
      }
      if (headers.contains("Content-Length")) {
        return ambiguous("A request may carry Content-Length or Transfer-Encoding, not both");
      }
      List<String> codings = new ArrayList<>();
      transferEncoding.forEach(line -> {
        for (String coding : line.split(",")) {
          codings.add(coding.trim().toLowerCase(Locale.ROOT));
        }
      });
      if (!codings.equals(List.of("chunked"))) {
        return ambiguous("The only transfer coding this server reads is chunked (got "
            + String.join(", ", transferEncoding) + ")");
      }
    }
    if (headers.names().contains("")) {
      return ambiguous("A header field has no name");
    }
    int hosts = headers.getAll("Host").size();
    if (hosts > 1) {
      return ambiguous("A request has exactly one Host header field");
    }
    if (hosts == 0 && request.version() == HttpVersion.HTTP_1_1) {
      return new Refusal(ProblemType.BAD_REQUEST.problem("An HTTP/1.1 request carries a Host header field"), false);
    }
    return null;
  }

  /**
   * True for a chunked HTTP/1.1 request: nothing after it on the connection is read. The decoder
   * drops a Content-Length sent alongside and frames by the chunks (RFC 9112 §6.3), so a request
   * carrying both cannot be told apart here; closing after every chunked one is what §6.1 asks for
   * both, and leaves a proxy that framed it by Content-Length nothing to smuggle behind it.
   */
  static boolean lastOnConnection(HttpServerRequest request) {
    return request.version() == HttpVersion.HTTP_1_1 && request.headers().contains("Transfer-Encoding");
  }

  private static Refusal ambiguous(String detail) {
    return new Refusal(ProblemType.BAD_FRAMING.problem(detail), true);
  }

  private static Refusal mediaType(HttpServerRequest request, MultiMap headers) {
    String coding = headers.get("Content-Encoding");
    if (coding != null && !coding.trim().equalsIgnoreCase("identity")) {
      return new Refusal(ProblemType.UNSUPPORTED_MEDIA_TYPE.problem("Send the body without a content coding (got "
          + coding + ")"), false);
    }
    String contentType = headers.get("Content-Type");
    if (contentType != null && BODY_METHODS.contains(request.method()) && !isJson(contentType)) {
      return new Refusal(ProblemType.UNSUPPORTED_MEDIA_TYPE.problem("Send the body as application/json (got "
          + contentType + ")"), false);
    }
    return null;
  }

  /** {@code application/json} or a {@code +json} type, in UTF-8 (the only charset JSON has, RFC 8259). */
  private static boolean isJson(String contentType) {
    String[] parts = contentType.split(";");
    String mime = parts[0].trim().toLowerCase(Locale.ROOT);
    if (!mime.equals("application/json") && !(mime.startsWith("application/") && mime.endsWith("+json"))) {
      return false;
    }
    for (int i = 1; i < parts.length; i++) {
      String[] parameter = parts[i].split("=", 2);
      if (parameter[0].trim().equalsIgnoreCase("charset")
          && !(parameter.length == 2 && parameter[1].trim().replace("\"", "").equalsIgnoreCase("utf-8"))) {
        return false;
      }
    }
    return true;
  }

  private static long headerBytes(MultiMap headers) {
    long bytes = 0;
    for (Map.Entry<String, String> header : headers) {
      bytes += header.getKey().length() + header.getValue().length() + 4;
    }
    return bytes;
  }

  /** ASCII only, every {@code %} starts a hex pair, and the octets they make are UTF-8. */
  private static boolean wellEncoded(String target) {
    if (target.indexOf('%') < 0) {
      return target.chars().allMatch(c -> c > 0x20 && c < 0x7f);
    }
    ByteArrayOutputStream decoded = new ByteArrayOutputStream(target.length());
    for (int i = 0; i < target.length(); i++) {
      char c = target.charAt(i);
      if (c <= 0x20 || c >= 0x7f) {
        return false;
      }
      if (c != '%') {
        decoded.write(c);
        continue;
      }
      if (i + 2 >= target.length()) {
        return false;
      }
      int high = Character.digit(target.charAt(i + 1), 16);
      int low = Character.digit(target.charAt(i + 2), 16);
      if (high < 0 || low < 0) {
        return false;
      }
      decoded.write(high * 16 + low);
      i += 2;
    }
    return Utf8.firstInvalidByte(decoded.toByteArray()) < 0;
  }
}
