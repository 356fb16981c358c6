package dev.wfgateway.bench;

import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** {@code <command> [--name value]...}: the bench's command line. */
record Args(String command, Map<String, String> options) {
  static final List<String> COMMANDS = List.of("load", "ratelimit", "dlq", "chaos");
  static final String USAGE = String.join("\n",
      "usage: Bench <command> [options]   (with Maven: mvn -q -pl bench exec:exec@bench -Dbench=\"<command> [options]\")",
      "  load       [--backend local|redis|both] [--seconds 20] [--only health,sync-http,...]",
      "  ratelimit  [--seconds 10] [--concurrency 64]",
      "  dlq        [--entries 100000] [--concurrency 256] [--replay 10000]",
      "  chaos      [--seconds 10] [--only downstream-500,redis-restart,workflow-node-restart,...]");

  /** Words may come one per argument or several in one (as Maven's {@code -Dbench="load --seconds 5"} passes them). */
  static Args parse(String[] argv) {
    String[] args = String.join(" ", argv).trim().split("\\s+");
    if (args[0].isEmpty()) {
      throw new IllegalArgumentException(USAGE);
    }
    if (!COMMANDS.contains(args[0])) {
      throw new IllegalArgumentException("unknown command '" + args[0] + "'\n" + USAGE);
    }
    Map<String, String> options = new HashMap<>();
    for (int i = 1; i < args.length; i += 2) {
      if (!args[i].startsWith("--") || i + 1 >= args.length) {
        throw new IllegalArgumentException("expected --name value at '" + args[i] + "'\n" + USAGE);
      }
      options.put(args[i].substring(2), args[i + 1]);
    }
    return new Args(args[0], options);
  }

  int integer(String name, int fallback) {
    return options.containsKey(name) ? Integer.parseInt(options.get(name)) : fallback;
  }

  Duration seconds(String name, int fallback) {
    return Duration.ofSeconds(integer(name, fallback));
  }

  String string(String name, String fallback) {
    return options.getOrDefault(name, fallback);
  }

  List<String> list(String name) {
    String value = options.get(name);
    return value == null || value.isBlank() ? List.of() : Arrays.asList(value.split(","));
  }
}
