package dev.wfgateway.common.messages;

import java.util.Locale;

public enum DlqReason {
  STEP_FAILED, TIMEOUT, CIRCUIT_OPEN, LOCK_LOST, REJECTED;

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static DlqReason fromWire(String s) {
    return valueOf(s.toUpperCase(Locale.ROOT));
  }
}
