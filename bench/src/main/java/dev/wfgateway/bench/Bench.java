package dev.wfgateway.bench;

import dev.wfgateway.testkit.TestVertx;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.LogManager;

/**
 * Entry point of every benchmark but the JMH one (see docs/benchmarks.md). Exits 0 when every
 * budget and assertion held and no event loop was blocked, 1 otherwise, 2 on a usage error.
 */
public final class Bench {
  private Bench() {
  }

  public static void main(String[] argv) throws Exception {
    quietLogging();
    Args args;
    try {
      args = Args.parse(argv);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    System.out.println(MachineInfo.describe());
    Vertx loadVertx = Vertx.builder().with(TestVertx.options().setEventLoopPoolSize(1)).build();
    int failures;
    try {
      failures = run(args, loadVertx);
    } finally {
      loadVertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
    try {
      TestVertx.assertNoBlockedThreads();
      System.out.println("blocked-thread checker: no event loop was blocked");
    } catch (AssertionError e) {
      System.out.println("FAIL: " + e.getMessage());
      failures++;
    }
    System.out.println(failures == 0 ? "ALL PASSED" : failures + " FAILED");
    System.exit(failures == 0 ? 0 : 1);
  }

  private static int run(Args args, Vertx loadVertx) throws Exception {
    switch (args.command()) {
      case "load" -> {
        String backend = args.string("backend", "both");
        List<String> backends = "both".equals(backend) ? List.of("local", "redis") : List.of(backend);
        if (!List.of("local", "redis").containsAll(backends)) {
          throw new IllegalArgumentException("--backend must be local, redis or both\n" + Args.USAGE);
        }
        return new LoadSuite(loadVertx, args.seconds("seconds", 20), args.list("only")).run(backends);
      }
      case "ratelimit" -> {
        return new RateLimitBench(args.seconds("seconds", 10), args.integer("concurrency", 64)).run();
      }
      case "dlq" -> {
        return new DlqBench(args.integer("entries", 100_000), args.integer("concurrency", 256),
            args.integer("replay", 10_000)).run();
      }
      case "chaos" -> {
        return new ChaosSuite(loadVertx, args.seconds("seconds", 10), args.list("only")).run();
      }
      case "ceiling" -> {
        CeilingBench.Settings settings = new CeilingBench.Settings(
            CeilingCriteria.withP99Bound(args.integer("p99", 50)), args.seconds("max-seconds", 120),
            args.integer("start-rate", 1000), args.seconds("warmup-seconds", 2), args.seconds("step-seconds", 5),
            args.integer("connections", 128));
        List<CeilingBench.Target> targets = args.all("target").stream().map(CeilingBench.Target::parse).toList();
        List<String> ratioTo = args.options().containsKey("ratio-to") ? args.list("ratio-to") : List.of("scg", "floor");
        return new CeilingBench(loadVertx, settings, targets, ratioTo).run();
      }
      default -> throw new IllegalStateException("unhandled command " + args.command());
    }
  }

  /** The platform's own INFO lines and warnings, no access log: the same as the test runs. */
  private static void quietLogging() throws IOException {
    try (InputStream in = Bench.class.getResourceAsStream("/test-logging.properties")) {
      if (in != null) {
        LogManager.getLogManager().readConfiguration(in);
      }
    }
  }
}
