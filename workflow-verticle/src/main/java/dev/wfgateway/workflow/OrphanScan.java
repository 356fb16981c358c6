package dev.wfgateway.workflow;

import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * When a registry of active runs is looked through for orphans: when the cluster's membership
 * changed, and every {@link #FULL_SCAN_NANOS} in case a scan raced a departure.
 */
final class OrphanScan {
  private static final long FULL_SCAN_NANOS = TimeUnit.SECONDS.toNanos(30);

  private Set<String> lastMembers = Set.of();
  private long lastFullScanNanos = System.nanoTime();

  boolean due(Set<String> members) {
    long now = System.nanoTime();
    if (members.equals(lastMembers) && now - lastFullScanNanos < FULL_SCAN_NANOS) {
      return false;
    }
    lastMembers = Set.copyOf(members);
    lastFullScanNanos = now;
    return true;
  }
}
