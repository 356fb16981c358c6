package dev.wfgateway.bench;

import dev.wfgateway.bench.CeilingSearch.Ceiling;
import dev.wfgateway.bench.CeilingSearch.Step;
import dev.wfgateway.testkit.Await;
import io.vertx.core.Context;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.TimeUnit;

/**
 * The throughput-ceiling command: for each target in turn, a {@link CeilingSearch} over open-loop
 * steps of the peers' request ({@code ../shared/peers/wrk-post.lua}: POST, a small JSON input,
 * {@code Authorization: Bearer k1}), judged by {@link CeilingCriteria}; then one table. Each step
 * gets a fresh connection pool, so requests still queued from an overloaded step never reach the
 * next one, and a pause for the target to finish what it still holds. Before the first search the
 * generator's own JVM is warmed against the first target, so that its first steps are not
 * measured with a cold JIT.
 */
final class CeilingBench {
  static final double FACTOR = 2;
  static final int BISECTIONS = 4;
  /** When even the start rate fails, the search steps down at most this many times. */
  static final int STEPS_DOWN = 4;
  /** Past this after a step's last send, an unanswered request is an error. */
  static final Duration DRAIN = Duration.ofSeconds(2);
  static final Duration SETTLE = Duration.ofSeconds(1);
  static final Duration GENERATOR_WARMUP = Duration.ofSeconds(10);
  /**
   * A cold generator (interpreted code, the JIT starved of CPU on 2 busy cores) kept up with 1000/s
   * but fell about 1 s behind at 8000/s and was still behind 10 s later.
   */
  static final double MAX_GENERATOR_WARMUP_RATE = 1000;
  private static final String BODY = "{\"input\":{\"message\":\"hello\"}}";

  /** A named URL to measure, e.g. {@code floor=http://127.0.0.1:8081/v1/workflows/echo/runs}. */
  record Target(String name, URI url) {
    static Target parse(String spec) {
      int eq = spec.indexOf('=');
      URI url = eq > 0 ? URI.create(spec.substring(eq + 1)) : null;
      if (url == null || !"http".equals(url.getScheme()) || url.getHost() == null) {
        throw new IllegalArgumentException("--target needs name=http://host:port/path, got '" + spec + "'");
      }
      return new Target(spec.substring(0, eq), url);
    }

    int port() {
      return url.getPort() < 0 ? 80 : url.getPort();
    }

    String path() {
      return url.getRawPath().isEmpty() ? "/" : url.getRawPath();
    }
  }

  /** How each search runs: {@code budget} bounds one target's search. */
  record Settings(CeilingCriteria criteria, Duration budget, double startRate, Duration warmup, Duration measure,
      int connections) {
    /** The longest one step can take: warm-up, measurement, drain and the pause after it. */
    Duration stepTime() {
      return warmup.plus(measure).plus(DRAIN).plus(SETTLE);
    }
  }

  private final Vertx loadVertx;
  private final Context context;
  private final Settings settings;
  private final List<Target> targets;
  private final List<String> ratioTo;
  private final Buffer body = Buffer.buffer(BODY);
  private final MultiMap headers = MultiMap.caseInsensitiveMultiMap()
      .add("Content-Type", "application/json").add("Authorization", "Bearer k1");

  CeilingBench(Vertx loadVertx, Settings settings, List<Target> targets, List<String> ratioTo) {
    if (targets.isEmpty()) {
      throw new IllegalArgumentException("ceiling needs at least one --target name=url\n" + Args.USAGE);
    }
    this.loadVertx = loadVertx;
    this.context = loadVertx.getOrCreateContext();
    this.settings = settings;
    this.targets = targets;
    this.ratioTo = ratioTo;
  }

  /** Searches every target and prints the table; a measurement without budgets, so it always returns 0 failures. */
  int run() {
    double warmupRate = Math.min(settings.startRate(), MAX_GENERATOR_WARMUP_RATE);
    LoadResult warmup = step(targets.get(0), warmupRate, GENERATOR_WARMUP);
    System.out.println(String.format(Locale.ROOT, "generator warm-up: %d s at %.0f/s against %s, %d errors",
        GENERATOR_WARMUP.toSeconds(), warmupRate, targets.get(0).name(), warmup.errors));
    Map<String, Ceiling> ceilings = new LinkedHashMap<>();
    for (Target target : targets) {
      ceilings.put(target.name(), search(target));
    }
    CeilingCriteria criteria = settings.criteria();
    System.out.println();
    System.out.println(String.format(Locale.ROOT,
        "ceiling: the highest open-loop rate answered with < %.1f %% errors (non-2xx or no answer) and p99 <= %.0f ms"
            + " (p99 bound %.0f ms); steps x%.0f from %.0f/s, then %d bisections; each step %d s unrecorded warm-up"
            + " + %d s measured; %d HTTP/1.1 keep-alive connections, no pipelining, one event loop; a step over the p99"
            + " bound is not valid if the generator itself sent more than %.1f ms late at p99; at most %d s per target",
        100 * criteria.maxErrorRate(), criteria.p99BoundMillis(), criteria.p99BoundMillis(), FACTOR,
        settings.startRate(), BISECTIONS, settings.warmup().toSeconds(), settings.measure().toSeconds(),
        settings.connections(), criteria.maxSendLagMillis(), settings.budget().toSeconds()));
    System.out.println();
    System.out.println(new CeilingTable(criteria.p99BoundMillis(), ratioTo).render(ceilings));
    return 0;
  }

  private Ceiling search(Target target) {
    CeilingSearch search = new CeilingSearch(settings.startRate(), FACTOR, BISECTIONS,
        settings.startRate() / Math.pow(FACTOR, STEPS_DOWN), Clock.systemUTC(), settings.budget(), settings.stepTime());
    for (OptionalDouble rate = search.next(); rate.isPresent(); rate = search.next()) {
      Step step = settings.criteria().judge(rate.getAsDouble(), step(target, rate.getAsDouble(), settings.measure()));
      LoadResult r = step.result();
      System.out.println(String.format(Locale.ROOT,
          "%-12s %8.0f/s offered %8.0f/s answered  p50 %7.2f ms  p99 %7.2f ms  sent late p99 %6.2f ms  errors %d  %s %s",
          target.name(), step.rate(), r.achievedRate(), r.millisAt(50), r.millisAt(99), r.sendLagMillisAt(99),
          r.errors, step.verdict(), step.why()));
      search.record(step);
    }
    return search.result();
  }

  private LoadResult step(Target target, double rate, Duration measure) {
    HttpTarget http = new HttpTarget(loadVertx, target.url().getHost(), target.port(), settings.connections());
    Call call = i -> http.send(HttpMethod.POST, target.path(), headers, body).map(CeilingBench::anySuccess);
    try {
      return Await.result(
          OpenLoopLoad.run(context, target.name(), rate, settings.warmup(), measure, DRAIN, call),
          settings.warmup().plus(measure).plus(DRAIN).plusSeconds(10));
    } finally {
      Await.result(http.close());
      Await.result(loadVertx.timer(SETTLE.toMillis(), TimeUnit.MILLISECONDS));
    }
  }

  private static Outcome anySuccess(HttpTarget.Answer answer) {
    if (answer.status() / 100 != 2) {
      throw new UnexpectedAnswer("HTTP " + answer.status());
    }
    return Outcome.OK;
  }
}
