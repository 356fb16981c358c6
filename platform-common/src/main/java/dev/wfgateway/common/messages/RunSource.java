package dev.wfgateway.common.messages;

import java.util.Locale;

/** Where a run came from; a DLQ entry keeps it. */
public enum RunSource {
  HTTP, EVENTBUS, REDRIVE;

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static RunSource fromWire(String s) {
    return valueOf(s.toUpperCase(Locale.ROOT));
  }
}
