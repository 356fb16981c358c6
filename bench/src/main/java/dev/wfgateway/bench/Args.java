package dev.wfgateway.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** {@code <command> [--name value]...}: the bench's command line; an option may be repeated. */
record Args(String command, Map<String, List<String>> options) {
  static final List<String> COMMANDS = List.of("load", "ratelimit", "dlq", "chaos", "ceiling");
  static final String USAGE = String.join("\n",
      "usage: Bench <command> [options]   (with Maven: mvn -q -pl bench exec:exec@bench -Dbench=\"<command> [options]\")",
      "  load       [--backend local|redis|both] [--seconds 20] [--only health,sync-http,...]",
      "  ratelimit  [--seconds 10] [--concurrency 64]",
      "  dlq        [--entries 100000] [--concurrency 256] [--replay 10000]",
      "  chaos      [--seconds 10] [--only downstream-500,redis-restart,workflow-node-restart,...]",
      "  ceiling    --target name=http://host:port/path [--target ...] [--p99 50] [--max-seconds 120]",
      "             [--start-rate 1000] [--step-seconds 5] [--warmup-seconds 2] [--connections 128] [--ratio-to scg,floor]");

  /** Words may come one per argument or several in one (as Maven's {@code -Dbench="load --seconds 5"} passes them). */
  static Args parse(String[] argv) {
    String[] args = String.join(" ", argv).trim().split("\\s+");
    if (args[0].isEmpty()) {
      throw new IllegalArgumentException(USAGE);
    }
    if (!COMMANDS.contains(args[0])) {
      throw new IllegalArgumentException("unknown command '" + args[0] + "'\n" + USAGE);
    }
    Map<String, List<String>> options = new HashMap<>();
    for (int i = 1; i < args.length; i += 2) {
      if (!args[i].startsWith("--") || i + 1 >= args.length) {
        throw new IllegalArgumentException("expected --name value at '" + args[i] + "'\n" + USAGE);
      }
      options.computeIfAbsent(args[i].substring(2), name -> new ArrayList<>()).add(args[i + 1]);
    }
    return new Args(args[0], options);
  }

  int integer(String name, int fallback) {
    return options.containsKey(name) ? Integer.parseInt(string(name, null)) : fallback;
  }

  Duration seconds(String name, int fallback) {
    return Duration.ofSeconds(integer(name, fallback));
  }

  /** The option's value; the last one when it was given more than once. */
  String string(String name, String fallback) {
    List<String> values = options.get(name);
    return values == null ? fallback : values.get(values.size() - 1);
  }

  /** A comma-separated option's words. */
  List<String> list(String name) {
    String value = string(name, null);
    return value == null || value.isBlank() ? List.of() : Arrays.asList(value.split(","));
  }

  /** Every value of a repeated option, in the order given. */
  List<String> all(String name) {
    return List.copyOf(options.getOrDefault(name, List.of()));
  }
}
