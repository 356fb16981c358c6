package dev.wfgateway.gateway;

import java.util.UUID;
import java.util.regex.Pattern;

/** Echoes a client's request id when it is sane (short, no spaces or control characters), else makes one. */
final class RequestIds {
  private static final Pattern SANE = Pattern.compile("^[A-Za-z0-9._:/+=-]{1,128}$");

  private RequestIds() {
  }

  static String choose(String offered) {
    return offered != null && SANE.matcher(offered).matches() ? offered : UUID.randomUUID().toString();
  }
}
