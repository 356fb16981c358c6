package dev.wfgateway.bench;

import java.lang.management.ManagementFactory;
import java.time.Instant;

/** One line saying where the figures were measured. */
final class MachineInfo {
  private MachineInfo() {
  }

  static String describe() {
    Runtime runtime = Runtime.getRuntime();
    return String.format("machine: %d cores, %s %s, JDK %s (%s), max heap %d MiB, %s",
        runtime.availableProcessors(), System.getProperty("os.name"), System.getProperty("os.arch"),
        System.getProperty("java.version"), ManagementFactory.getRuntimeMXBean().getVmName(),
        runtime.maxMemory() >> 20, Instant.now());
  }
}
