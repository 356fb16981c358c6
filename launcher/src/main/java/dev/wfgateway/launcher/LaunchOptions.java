package dev.wfgateway.launcher;

import io.vertx.core.json.JsonArray;
import java.util.Map;

/** The command line, with {@code PLATFORM_CONFIG} standing in for {@code --conf}. */
record LaunchOptions(String confFile, JsonArray verticles, boolean cluster, boolean help) {
  static final String USAGE = String.join("\n",
      "usage: java -jar platform.jar [--conf FILE] [--verticles gateway,ratelimit,workflow,dlq] [--cluster]",
      "  --conf FILE       YAML configuration (default: $PLATFORM_CONFIG, else the embedded demo defaults)",
      "  --verticles LIST  the verticles this node deploys (overrides 'verticles:' of the configuration)",
      "  --cluster         join the Hazelcast cluster (cluster.xml; CLUSTER_MEMBERS, CLUSTER_PORT, ...)");

  static LaunchOptions parse(String[] args, Map<String, String> env) {
    String conf = env.get("PLATFORM_CONFIG");
    JsonArray verticles = null;
    boolean cluster = false;
    boolean help = false;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--conf" -> conf = value(args, ++i, "--conf");
        case "--verticles" -> verticles = EnvironmentOverrides.verticleList(value(args, ++i, "--verticles"));
        case "--cluster" -> cluster = true;
        case "--help", "-h" -> help = true;
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    return new LaunchOptions(conf == null || conf.isBlank() ? null : conf, verticles, cluster, help);
  }

  private static String value(String[] args, int index, String option) {
    if (index >= args.length) {
      throw new IllegalArgumentException(option + " needs a value");
    }
    return args[index];
  }
}
