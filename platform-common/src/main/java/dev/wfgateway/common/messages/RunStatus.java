package dev.wfgateway.common.messages;

import java.util.Locale;

public enum RunStatus {
  QUEUED, RUNNING, SUCCEEDED, FAILED, DEAD_LETTERED;

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  public boolean isFinal() {
    return this == SUCCEEDED || this == FAILED || this == DEAD_LETTERED;
  }

  public static RunStatus fromWire(String s) {
    return valueOf(s.toUpperCase(Locale.ROOT));
  }
}
