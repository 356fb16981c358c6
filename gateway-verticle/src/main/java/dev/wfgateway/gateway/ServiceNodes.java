package dev.wfgateway.gateway;

import dev.wfgateway.common.Addresses;
import dev.wfgateway.common.Headers;
import dev.wfgateway.common.Problem;
import dev.wfgateway.common.ProblemException;
import dev.wfgateway.common.ProblemType;
import dev.wfgateway.common.scaling.NodeReport;
import dev.wfgateway.common.service.Requester;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Sends the gateway's requests to one chosen node of the service (its node address,
 * {@code <address>.<nodeId>}) instead of letting the event bus pick one, so that the gateway knows
 * where each request went. When that node leaves the cluster before answering, a request that is
 * safe to repeat is sent once more to another node of the service at once (a submit marked
 * {@link Headers#RESENT}, which the workflow verticle makes safe: a run the first node had
 * recorded is not started twice); any other is answered 503. No request waits for its timeout
 * because its node died.
 *
 * <p>Nodes come from the node directory (each node reports every few seconds), filtered by the
 * live cluster membership. While a service has no known node (a node just started, or no
 * cluster), its requests go to the contract address and the event bus picks.
 */
final class ServiceNodes implements Requester {
  static final long REFRESH_MILLIS = 1_000;
  static final long WATCH_MILLIS = 200;
  /** The verticle that serves each address this routes. */
  private static final Map<String, String> SERVED_BY = Map.of(
      Addresses.WORKFLOW_SUBMIT, "workflow", Addresses.WORKFLOW_STATUS, "workflow",
      Addresses.RATELIMIT_CHECK, "ratelimit",
      Addresses.DLQ_QUERY, "dlq", Addresses.DLQ_STATS, "dlq", Addresses.DLQ_RETRY, "dlq", Addresses.DLQ_DELETE, "dlq");
  /** Requests a second node may take when the first left without answering. */
  private static final Set<String> RESENDABLE = Set.of(Addresses.WORKFLOW_SUBMIT, Addresses.WORKFLOW_STATUS,
      Addresses.RATELIMIT_CHECK, Addresses.DLQ_QUERY, Addresses.DLQ_STATS);

  private final Vertx vertx;
  private final LiveNodes cluster;
  private final Clock clock;
  private final Set<Pending> pending = new HashSet<>();
  private Map<String, List<String>> nodesByVerticle = Map.of();
  private int next;
  private long refreshTimer = -1;
  private long watchTimer = -1;

  private static final class Pending {
    final String address;
    final Object body;
    final DeliveryOptions options;
    final long deadlineMillis;
    final Promise<Message<Object>> answer = Promise.promise();
    String node;
    boolean resent;

    Pending(String address, Object body, DeliveryOptions options, long deadlineMillis) {
      this.address = address;
      this.body = body;
      this.options = options;
      this.deadlineMillis = deadlineMillis;
    }
  }

  /** {@code clock} tells how much of its timeout a request has left when it must be resent. */
  ServiceNodes(Vertx vertx, LiveNodes cluster, Clock clock) {
    this.vertx = vertx;
    this.cluster = cluster;
    this.clock = clock;
  }

  void start() {
    if (!cluster.clustered()) {
      return;
    }
    refreshTimer = vertx.setPeriodic(1, REFRESH_MILLIS, id -> refresh());
    watchTimer = vertx.setPeriodic(WATCH_MILLIS, id -> watch());
  }

  void stop() {
    vertx.cancelTimer(refreshTimer);
    vertx.cancelTimer(watchTimer);
  }

  /** Learns from the node directory which nodes run which verticles. */
  Future<Void> refresh() {
    return cluster.reports(null).onSuccess(this::learn).mapEmpty();
  }

  private void learn(List<NodeReport> reports) {
    Map<String, List<String>> nodes = new HashMap<>();
    for (NodeReport report : reports) {
      report.verticles().forEach(v -> nodes.computeIfAbsent(v, k -> new ArrayList<>()).add(report.nodeId()));
    }
    nodes.values().forEach(list -> list.sort(null));
    nodesByVerticle = nodes;
  }

  /** A request to {@code address}: through one chosen node when it is an address this routes. */
  @Override
  public Future<Message<Object>> request(String address, Object body, DeliveryOptions options) {
    if (!SERVED_BY.containsKey(address)) {
      return vertx.eventBus().request(address, body, options);
    }
    Pending request = new Pending(address, body, options, clock.millis() + options.getSendTimeout());
    send(request);
    return request.answer.future();
  }

  private List<String> nodesOf(String address) {
    return nodesByVerticle.getOrDefault(SERVED_BY.get(address), List.of());
  }

  private void send(Pending request) {
    String node = choose(nodesOf(request.address));
    request.node = node;
    if (node != null) {
      pending.add(request);
    }
    vertx.eventBus().request(node == null ? request.address : Addresses.onNode(request.address, node),
            request.body, request.options)
        .onComplete(ar -> {
          if (request.node != null && !request.node.equals(node)) {
            return; // an answer from a node given up on; the resent request answers
          }
          pending.remove(request);
          if (ar.succeeded()) {
            request.answer.tryComplete(ar.result());
          } else {
            request.answer.tryFail(ar.cause());
          }
        });
  }

  private String choose(List<String> nodes) {
    if (nodes.isEmpty()) {
      return null;
    }
    next = (next + 1) % nodes.size();
    return nodes.get(next);
  }

  /** Requests whose node left the cluster go to another node of the service, or fail if they cannot. */
  void watch() {
    if (pending.isEmpty()) {
      return;
    }
    Set<String> members = cluster.members();
    for (Pending request : List.copyOf(pending)) {
      if (members.contains(request.node)) {
        continue;
      }
      pending.remove(request);
      String gone = request.node;
      forget(gone);
      long leftMillis = request.deadlineMillis - clock.millis();
      if (request.resent || leftMillis <= 0 || !RESENDABLE.contains(request.address)
          || nodesOf(request.address).isEmpty()) {
        request.node = "";
        request.answer.tryFail(new ProblemException(nodeLeft(request)));
        continue;
      }
      request.resent = true;
      request.options.setSendTimeout(leftMillis).addHeader(Headers.RESENT, gone);
      send(request); // to another node: the one that left was forgotten above
    }
  }

  private void forget(String node) {
    Map<String, List<String>> nodes = new HashMap<>();
    nodesByVerticle.forEach((verticle, list) -> nodes.put(verticle, list.stream().filter(n -> !n.equals(node)).toList()));
    nodesByVerticle = nodes;
  }

  private static Problem nodeLeft(Pending request) {
    Problem problem = ProblemType.DEPENDENCY_UNAVAILABLE
        .problem("The node handling this request left the cluster before answering, and no other node could take "
            + "it over" + (RESENDABLE.contains(request.address) ? "" : " (it is not safe to repeat: check its effect)"))
        .with("retryAfterSeconds", 1);
    String runId = request.options.getHeaders() == null ? null : request.options.getHeaders().get(Headers.RUN_ID);
    return runId == null ? problem : problem.with("runId", runId);
  }
}
