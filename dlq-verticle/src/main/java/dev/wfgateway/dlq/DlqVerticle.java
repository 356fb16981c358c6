package dev.wfgateway.dlq;

import dev.wfgateway.common.NodeStatus;
import dev.wfgateway.common.config.DlqConfig;
import dev.wfgateway.common.config.PlatformConfig;
import dev.wfgateway.common.journal.JsonLinesJournal;
import dev.wfgateway.common.redis.RedisClients;
import dev.wfgateway.common.service.DeadLetterService;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * The dead letter queue: serves {@code platform.dlq.add|query|retry|delete|stats} (DESIGN.md
 * section 3) on the store the configuration picks: Redis Streams when {@code redis} is configured,
 * else the local journal. Deploy one instance per node: the local journal has a single writer.
 */
public final class DlqVerticle extends VerticleBase {
  private static final System.Logger LOG = System.getLogger(DlqVerticle.class.getName());
  private static final Duration METRICS_REFRESH = Duration.ofSeconds(10);

  private final MeterRegistry registry;
  private final Clock clock;
  private DeadLetterStore store;
  private DeadLetterQueue queue;
  private Redrive redrive;
  private DlqMetrics metrics;
  private List<MessageConsumer<Object>> consumers = List.of();
  private long cleanupTimer = -1;
  private long metricsTimer = -1;

  public DlqVerticle(MeterRegistry registry) {
    this(registry, Clock.systemUTC());
  }

  /** {@code clock}: what local entry ids, ages and the TTL are reckoned on. */
  DlqVerticle(MeterRegistry registry, Clock clock) {
    this.registry = registry;
    this.clock = clock;
  }

  @Override
  public Future<?> start() {
    PlatformConfig config = PlatformConfig.fromJson(config());
    DlqConfig dlq = config.dlq();
    WritableStatus status = new WritableStatus(vertx);
    Path journalDir = Path.of(dlq.journalDir());
    store = config.redisBackend()
        ? new RedisDeadLetterStore(vertx, RedisClients.create(vertx, config.redis()), config.redis().commandTimeout(),
            dlq.maxEntriesPerTenant(), dlq.ttl(), clock, new JsonLinesJournal(vertx, journalDir.resolve("spool")),
            status, config.tenants().keySet(), registry)
        : new LocalDeadLetterStore(new JsonLinesJournal(vertx, journalDir), dlq.maxEntriesPerTenant(),
            dlq.ttl(), clock, status::set);
    queue = new DeadLetterQueue(store, clock);
    redrive = new Redrive(vertx.eventBus(), PeriodicTimers.of(vertx), store, dlq.redriveRatePerSecond());
    metrics = new DlqMetrics(registry, clock);
    return store.open().compose(v -> {
      cleanupTimer = vertx.setPeriodic(dlq.cleanupInterval().toMillis(), id -> store.expire()
          .onFailure(failure -> LOG.log(Level.WARNING, "DLQ cleanup failed: {0}", failure.toString()))
          .onComplete(done -> refreshMetrics()));
      metricsTimer = vertx.setPeriodic(METRICS_REFRESH.toMillis(), id -> refreshMetrics());
      refreshMetrics();
      consumers = DeadLetterService.bind(vertx.eventBus(), NodeStatus.nodeId(vertx),
          new DeadLetterQueueService(queue, redrive, metrics));
      return Future.all(consumers.stream().map(MessageConsumer::completion).toList());
    });
  }

  private void refreshMetrics() {
    queue.stats(null).onSuccess(metrics::record);
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(cleanupTimer);
    vertx.cancelTimer(metricsTimer);
    redrive.close();
    metrics.close();
    return Future.all(consumers.stream().map(MessageConsumer::unregister).toList()).eventually(() -> store.close());
  }
}
