package dev.wfgateway.common.config;

import java.util.List;

/** A configuration the platform refuses to start with; lists every problem found, each with its path. */
public final class ConfigException extends RuntimeException {
  private final transient List<String> problems;

  public ConfigException(List<String> problems) {
    super("invalid configuration:\n  - " + String.join("\n  - ", problems));
    this.problems = List.copyOf(problems);
  }

  public List<String> problems() {
    return problems;
  }
}
