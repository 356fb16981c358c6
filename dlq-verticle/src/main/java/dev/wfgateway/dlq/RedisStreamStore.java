package dev.wfgateway.dlq;

import dev.wfgateway.common.messages.DlqEntry;
import dev.wfgateway.common.messages.DlqFilter;
import dev.wfgateway.common.messages.StreamId;
import dev.wfgateway.common.redis.LuaScript;
import dev.wfgateway.dlq.DeadLetterStore.Removal;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * Dead letters in Redis Streams: one stream per tenant, {@code dlq:{tenant}} (the braces are the
 * Redis Cluster hash tag, so a tenant's stream, counters and markers share a slot), counters in
 * {@code dlqstats:{tenant}}, and the set of tenants in {@code dlq:tenants}. That set is an index
 * that Redis can lose apart from the streams (a failover that lost the SADD, a flush): every
 * listing of tenants also looks for the streams of the configured tenants it does not name, and
 * puts back the ones it finds.
 *
 * <p>Exactly once: every add carries a marker keyed by the SHA-256 of the entry, set in the same
 * script as the XADD, so an entry added again (a spooled entry drained again after a crash between
 * XADD and its removal from the spool, or an add retried after a lost reply) returns the first id
 * instead of adding a copy. Concurrent adds of a tenant share script calls ({@link AddBatcher}).
 * Every command is bounded by the command timeout; whether Redis answers is
 * {@link SpoolFailover}'s to judge.
 */
final class RedisStreamStore {
  private static final System.Logger LOG = System.getLogger(RedisStreamStore.class.getName());
  static final String TENANTS_KEY = "dlq:tenants";
  private static final Duration MARKER_LIFETIME = Duration.ofDays(1);
  /** Entries per add script call at most: the script holds Redis for about a millisecond. */
  private static final int ADD_BATCH = 128;
  private static final int MAX_SCAN_BATCH = 1000;
  /** Ids per XDEL script call: stays far below Lua's limit on unpacked arguments. */
  private static final int REMOVE_CHUNK = 500;

  private final Redis redis;
  private final long commandTimeoutMillis;
  private final int maxEntriesPerTenant;
  private final Duration ttl;
  private final Clock clock;
  private final LuaScript addScript = LuaScript.fromResource(RedisStreamStore.class, "lua/dlq-add.lua");
  private final LuaScript expireScript = LuaScript.fromResource(RedisStreamStore.class, "lua/dlq-expire.lua");
  private final LuaScript removeScript = LuaScript.fromResource(RedisStreamStore.class, "lua/dlq-remove.lua");
  private final AddBatcher batcher = new AddBatcher(ADD_BATCH, this::addBatch);
  private final Map<String, Future<Void>> registeredTenants = new HashMap<>();
  private final Set<String> configuredTenants;

  RedisStreamStore(Redis redis, Duration commandTimeout, int maxEntriesPerTenant, Duration ttl, Clock clock,
      Set<String> configuredTenants) {
    this.redis = redis;
    this.commandTimeoutMillis = Math.max(1, commandTimeout.toMillis());
    this.maxEntriesPerTenant = maxEntriesPerTenant;
    this.ttl = ttl;
    this.clock = clock;
    this.configuredTenants = Set.copyOf(configuredTenants);
  }

  /** Whether Redis answers at all: the failover's probe, never a tenant's write. */
  Future<Void> ping() {
    return send(Request.cmd(Command.PING)).mapEmpty();
  }

  /** Adds an entry without id; completes with the stream id it got (the first one, if it was there already). */
  Future<String> add(DlqEntry entry) {
    String tenant = entry.tenant();
    return registerTenant(tenant).compose(v -> batcher.add(tenant, entry.toJson().encode()));
  }

  private Future<List<String>> addBatch(String tenant, List<String> entries) {
    List<String> keys = new ArrayList<>(entries.size() + 2);
    keys.add(streamKey(tenant));
    keys.add(statsKey(tenant));
    entries.forEach(json -> keys.add(markerKey(tenant, json)));
    List<String> args = new ArrayList<>(entries.size() + 2);
    args.add(String.valueOf(maxEntriesPerTenant));
    args.add(String.valueOf(MARKER_LIFETIME.toSeconds()));
    args.addAll(entries);
    return script(addScript, keys, args).map(ids -> {
      List<String> assigned = new ArrayList<>(ids.size());
      ids.forEach(id -> assigned.add(id.toString()));
      return assigned;
    });
  }

  /**
   * Adds the tenant to {@code dlq:tenants} once. Every add of the tenant waits on the same future,
   * so the first adds keep their order while the SADD is under way; a failed SADD is tried again.
   */
  private Future<Void> registerTenant(String tenant) {
    Future<Void> known = registeredTenants.get(tenant);
    if (known != null) {
      return known;
    }
    Future<Void> registering = send(Request.cmd(Command.SADD).arg(TENANTS_KEY).arg(tenant)).mapEmpty();
    registeredTenants.put(tenant, registering);
    registering.onFailure(failure -> registeredTenants.remove(tenant, registering));
    return registering;
  }

  /**
   * Makes each spooled id resolve to the stream id its entry got ({@code streamIds.get(i)} for
   * {@code spoolIds.get(i)}), in one pipeline, for as long as the entries may live.
   */
  Future<Void> recordAliases(String tenant, List<String> spoolIds, List<String> streamIds) {
    List<Request> aliases = new ArrayList<>(spoolIds.size());
    for (int i = 0; i < spoolIds.size(); i++) {
      aliases.add(Request.cmd(Command.SET).arg(aliasKey(tenant, spoolIds.get(i))).arg(streamIds.get(i))
          .arg("EX").arg(Math.max(1, ttl.toSeconds())));
    }
    return redis.batch(aliases).timeout(commandTimeoutMillis, TimeUnit.MILLISECONDS).mapEmpty();
  }

  Future<String> currentId(String tenant, String id) {
    return send(Request.cmd(Command.GET).arg(aliasKey(tenant, id))).map(r -> r == null ? null : r.toString());
  }

  /** {@code dlqalias:{t}:<spool id>} → the stream id the spooled entry got when it drained. */
  private static String aliasKey(String tenant, String spoolId) {
    return "dlqalias:{" + tenant + "}:" + spoolId;
  }

  Future<List<String>> tenants() {
    return send(Request.cmd(Command.SMEMBERS).arg(TENANTS_KEY)).compose(members -> {
      Set<String> indexed = new TreeSet<>();
      members.forEach(m -> indexed.add(m.toString()));
      List<String> unindexed = configuredTenants.stream().filter(t -> !indexed.contains(t)).sorted().toList();
      List<Future<Boolean>> streams = unindexed.stream()
          .map(t -> send(Request.cmd(Command.EXISTS).arg(streamKey(t))).map(r -> r.toInteger() == 1)).toList();
      return Future.all(streams).compose(found -> {
        List<String> lost = new ArrayList<>();
        for (int i = 0; i < unindexed.size(); i++) {
          if (streams.get(i).result()) {
            lost.add(unindexed.get(i));
          }
        }
        indexed.addAll(lost);
        return reindex(lost).map(v -> List.copyOf(indexed));
      });
    });
  }

  /** Puts tenants whose stream outlived their entry in {@code dlq:tenants} back into it. */
  private Future<Void> reindex(List<String> tenants) {
    if (tenants.isEmpty()) {
      return Future.succeededFuture();
    }
    LOG.log(Level.WARNING, "dlq:tenants had lost tenants {0}; they are indexed again", tenants);
    Request sadd = Request.cmd(Command.SADD).arg(TENANTS_KEY);
    tenants.forEach(sadd::arg);
    return send(sadd).<Void>mapEmpty().otherwiseEmpty();
  }

  Future<List<DlqEntry>> scan(String tenant, StreamId after, DlqFilter filter, int max) {
    return scanFrom(tenant, after, filter, max, new ArrayList<>());
  }

  private Future<List<DlqEntry>> scanFrom(String tenant, StreamId after, DlqFilter filter, int max,
      List<DlqEntry> found) {
    int count = Math.min(MAX_SCAN_BATCH, Math.max(100, 2 * (max - found.size())));
    Request xrange = Request.cmd(Command.XRANGE).arg(streamKey(tenant)).arg(after == null ? "-" : "(" + after)
        .arg("+").arg("COUNT").arg(count);
    return send(xrange).compose(page -> {
      StreamId last = after;
      for (Response item : page) {
        DlqEntry entry = toEntry(item);
        last = StreamId.parse(entry.id());
        if (filter.matches(entry)) {
          found.add(entry);
          if (found.size() >= max) {
            return Future.succeededFuture(found);
          }
        }
      }
      return page.size() < count ? Future.succeededFuture(found) : scanFrom(tenant, last, filter, max, found);
    });
  }

  /** A stream item is {@code [id, [field, value, ...]]}; the entry is the value of field {@code entry}. */
  private static DlqEntry toEntry(Response item) {
    Response fields = item.get(1);
    String json = null;
    for (int i = 0; i + 1 < fields.size(); i += 2) {
      if ("entry".equals(fields.get(i).toString())) {
        json = fields.get(i + 1).toString();
      }
    }
    return DlqEntry.fromJson(new JsonObject(json)).withId(item.get(0).toString());
  }

  Future<Integer> remove(String tenant, List<String> ids, Removal why) {
    String counter = why == Removal.REDRIVEN ? "redriven" : "";
    List<Future<Response>> chunks = new ArrayList<>();
    for (int from = 0; from < ids.size(); from += REMOVE_CHUNK) {
      List<String> args = new ArrayList<>();
      args.add(counter);
      args.addAll(ids.subList(from, Math.min(ids.size(), from + REMOVE_CHUNK)));
      chunks.add(script(removeScript, List.of(streamKey(tenant), statsKey(tenant)), args));
    }
    return Future.all(chunks).map(all -> chunks.stream().mapToInt(f -> f.result().toInteger()).sum());
  }

  Future<Void> expire() {
    String minId = (clock.millis() - ttl.toMillis()) + "-0";
    return tenants().compose(tenants -> Future.all(tenants.stream()
        .map(tenant -> script(expireScript, List.of(streamKey(tenant), statsKey(tenant)), List.of(minId)))
        .toList())).mapEmpty();
  }

  Future<TenantStats> stats(String tenant) {
    Future<Response> size = send(Request.cmd(Command.XLEN).arg(streamKey(tenant)));
    Future<Response> oldest = send(Request.cmd(Command.XRANGE).arg(streamKey(tenant)).arg("-").arg("+")
        .arg("COUNT").arg(1));
    Future<Response> counters = send(Request.cmd(Command.HMGET).arg(statsKey(tenant)).arg("evictions")
        .arg("expired").arg("redriven"));
    return Future.all(size, oldest, counters).map(all -> {
      Response c = counters.result();
      Long oldestMillis = oldest.result().size() == 0 ? null
          : StreamId.parse(oldest.result().get(0).get(0).toString()).millis();
      return new TenantStats(size.result().toLong(), oldestMillis, counter(c.get(0)), counter(c.get(1)),
          counter(c.get(2)));
    });
  }

  private static long counter(Response value) {
    return value == null ? 0 : value.toLong();
  }

  Future<Void> close() {
    return redis.close();
  }

  private Future<Response> send(Request request) {
    return redis.send(request).timeout(commandTimeoutMillis, TimeUnit.MILLISECONDS);
  }

  private Future<Response> script(LuaScript script, List<String> keys, List<String> args) {
    return script.run(redis, keys, args).timeout(commandTimeoutMillis, TimeUnit.MILLISECONDS);
  }

  private static String streamKey(String tenant) {
    return "dlq:{" + tenant + "}";
  }

  private static String statsKey(String tenant) {
    return "dlqstats:{" + tenant + "}";
  }

  private static String markerKey(String tenant, String entryJson) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(entryJson.getBytes(StandardCharsets.UTF_8));
      return "dlqadd:{" + tenant + "}:" + HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
