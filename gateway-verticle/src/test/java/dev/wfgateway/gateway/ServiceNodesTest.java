package dev.wfgateway.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wfgateway.common.Addresses;
import dev.wfgateway.common.Headers;
import dev.wfgateway.common.Problem;
import dev.wfgateway.common.ProblemException;
import dev.wfgateway.common.ProblemType;
import dev.wfgateway.common.scaling.NodeReport;
import dev.wfgateway.gateway.GatewayFixtures.MutableClock;
import dev.wfgateway.testkit.TestVertx;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * How the gateway picks the node of a service, and what it does with a pending request when that
 * node leaves the cluster. Real event-bus consumers stand for the nodes' verticles (they hold each
 * request until the test answers it); the membership is a fake the test edits, the clock a hand-moved
 * one, and the test calls {@link ServiceNodes#refresh} and {@link ServiceNodes#watch} where the
 * verticle's timers would. Everything runs on one event-loop context, as in the gateway.
 */
@ExtendWith(VertxExtension.class)
class ServiceNodesTest {
  private static final long TIMEOUT_MILLIS = 10_000;
  private static final List<String> ROUTED = List.of(Addresses.WORKFLOW_SUBMIT, Addresses.WORKFLOW_STATUS,
      Addresses.RATELIMIT_CHECK, Addresses.DLQ_QUERY, Addresses.DLQ_STATS, Addresses.DLQ_RETRY, Addresses.DLQ_DELETE);
  private static final String CONTRACT = "contract";

  private Vertx vertx;
  private Context loop;
  private final MutableClock clock = new MutableClock(Instant.parse("2026-06-01T12:00:00Z"));
  private final FakeNodes cluster = new FakeNodes();
  private ServiceNodes serviceNodes;
  /** Every request a node (or the contract address) received, in order of arrival; touched on the loop only. */
  private final List<Arrival> arrivals = new ArrayList<>();
  private final Map<Integer, Promise<Arrival>> awaited = new HashMap<>();

  private record Arrival(String node, String address, Message<JsonObject> message) {
  }

  /** The live nodes as the test sets them: the directory's reports of the nodes that are members, as ClusterView. */
  private static final class FakeNodes implements LiveNodes {
    final List<NodeReport> reports = new ArrayList<>();
    final Set<String> members = new HashSet<>();

    void join(String node, String... verticles) {
      reports.add(new NodeReport(node, List.of(verticles), "local", true, new JsonObject(), 0, 0, 0, 0, 0,
          "2026-06-01T12:00:00Z"));
      members.add(node);
    }

    @Override
    public boolean clustered() {
      return true;
    }

    @Override
    public Future<List<NodeReport>> reports(String verticle) {
      return Future.succeededFuture(reports.stream().filter(r -> members.contains(r.nodeId())).toList());
    }

    @Override
    public Set<String> members() {
      return Set.copyOf(members);
    }
  }

  @BeforeEach
  void setUp() {
    vertx = TestVertx.create();
    loop = vertx.getOrCreateContext();
    serviceNodes = new ServiceNodes(vertx, cluster, clock);
  }

  @AfterEach
  void tearDown() throws Exception {
    TestVertx.close(vertx);
  }

  /** Runs {@code action} on the loop; its future, completed there. */
  private <T> Future<T> onLoop(Supplier<Future<T>> action) {
    Promise<T> result = Promise.promise();
    loop.runOnContext(v -> action.get().onComplete(result));
    return result.future();
  }

  /**
   * Consumers for every routed address on the contract address and on the node address of each
   * node given (whatever it runs, so that a request sent to the wrong node is seen), then the
   * directory read once.
   */
  private Future<Void> start(String... nodes) {
    return onLoop(() -> {
      List<Future<Void>> registered = new ArrayList<>();
      for (String address : ROUTED) {
        registered.add(hold(CONTRACT, address, address));
        for (String node : nodes) {
          registered.add(hold(node, address, Addresses.onNode(address, node)));
        }
      }
      return Future.all(registered).compose(all -> serviceNodes.refresh());
    });
  }

  private Future<Void> hold(String node, String address, String consumerAddress) {
    return vertx.eventBus().<JsonObject>consumer(consumerAddress, message -> {
      Arrival arrival = new Arrival(node, address, message);
      arrivals.add(arrival);
      awaited.computeIfAbsent(arrivals.size() - 1, i -> Promise.promise()).complete(arrival);
    }).completion();
  }

  /** The {@code index}-th request any node received (from 0), once it has arrived; call on the loop. */
  private Future<Arrival> arrival(int index) {
    return awaited.computeIfAbsent(index, i -> Promise.promise()).future();
  }

  private static void answer(Arrival arrival) {
    arrival.message().reply(new JsonObject().put("answeredBy", arrival.node()));
  }

  private static DeliveryOptions options() {
    return new DeliveryOptions().setSendTimeout(TIMEOUT_MILLIS).addHeader(Headers.RUN_ID, "run-1");
  }

  /** {@code address} requested {@code times} times in a row, each answered at once; who answered, in order. */
  private Future<List<String>> answeredBy(String address, int times) {
    List<String> nodes = new ArrayList<>();
    Future<Void> chain = Future.succeededFuture();
    for (int i = 0; i < times; i++) {
      chain = chain.compose(v -> {
        int index = arrivals.size();
        Future<Message<Object>> reply = serviceNodes.request(address, new JsonObject(), options());
        return arrival(index).compose(arrival -> {
          answer(arrival);
          return reply;
        }).map(message -> nodes.add(((JsonObject) message.body()).getString("answeredBy"))).mapEmpty();
      });
    }
    return chain.map(v -> nodes);
  }

  /** The node {@code gone} leaves the cluster and the watch runs, {@code elapsed} after the request was sent. */
  private void leaves(String gone, Duration elapsed) {
    clock.advance(elapsed);
    cluster.members.remove(gone);
    serviceNodes.watch();
  }

  private static Problem problemOf(Throwable failure) {
    assertThat(failure).isInstanceOf(ProblemException.class);
    return ((ProblemException) failure).problem();
  }

  @Test
  void whileNoNodeIsKnownRequestsGoToTheContractAddress(VertxTestContext test) {
    start().compose(v -> onLoop(() -> answeredBy(Addresses.WORKFLOW_SUBMIT, 2)))
        .onComplete(test.succeeding(nodes -> test.verify(() -> {
          assertThat(nodes).containsExactly(CONTRACT, CONTRACT);
          test.completeNow();
        })));
  }

  /** The event bus picks the node of a request sent to the contract address: there is no node to watch. */
  @Test
  void aRequestSentToTheContractAddressIsNotWatched(VertxTestContext test) {
    start().compose(v -> onLoop(() -> {
      Future<Message<Object>> reply = serviceNodes.request(Addresses.WORKFLOW_SUBMIT, new JsonObject(), options());
      return arrival(0).compose(first -> {
        leaves("n1", Duration.ofMillis(1));
        answer(first);
        return reply;
      });
    })).onComplete(test.succeeding(reply -> test.verify(() -> {
      assertThat(((JsonObject) reply.body()).getString("answeredBy")).isEqualTo(CONTRACT);
      test.completeNow();
    })));
  }

  @Test
  void requestsTakeTurnsAmongTheNodesOfTheVerticleThatServesTheAddress(VertxTestContext test) {
    cluster.join("n1", "gateway", "workflow");
    cluster.join("n2", "workflow");
    cluster.join("n3", "ratelimit", "dlq");
    start("n1", "n2", "n3")
        .compose(v -> onLoop(() -> answeredBy(Addresses.WORKFLOW_SUBMIT, 4)))
        .compose(submits -> onLoop(() -> answeredBy(Addresses.RATELIMIT_CHECK, 2)).map(limits -> {
          test.verify(() -> {
            assertThat(Set.copyOf(submits)).containsExactlyInAnyOrder("n1", "n2");
            assertThat(submits).containsExactly(submits.get(0), submits.get(1), submits.get(0), submits.get(1));
            assertThat(limits).containsExactly("n3", "n3");
          });
          return limits;
        }))
        .compose(v -> onLoop(() -> answeredBy(Addresses.DLQ_STATS, 1)))
        .onComplete(test.succeeding(dlq -> test.verify(() -> {
          assertThat(dlq).containsExactly("n3");
          test.completeNow();
        })));
  }

  /** Each address that is safe to repeat goes once more, at once, to another node of its service. */
  @ParameterizedTest
  @ValueSource(strings = {Addresses.WORKFLOW_SUBMIT, Addresses.WORKFLOW_STATUS, Addresses.RATELIMIT_CHECK,
      Addresses.DLQ_QUERY, Addresses.DLQ_STATS})
  void aRequestSafeToRepeatIsResentToAnotherNodeWithWhatIsLeftOfItsTimeout(String address, VertxTestContext test) {
    cluster.join("n1", "workflow", "ratelimit", "dlq");
    cluster.join("n2", "workflow", "ratelimit", "dlq");
    JsonObject body = new JsonObject().put("tenant", "acme");
    DeliveryOptions options = options();
    start("n1", "n2").compose(v -> onLoop(() -> {
      Future<Message<Object>> reply = serviceNodes.request(address, body, options);
      return arrival(0).compose(first -> {
        leaves(first.node(), Duration.ofMillis(3_000));
        return arrival(1).compose(second -> {
          test.verify(() -> {
            assertThat(second.node()).isNotEqualTo(first.node()).isIn("n1", "n2");
            assertThat(second.address()).isEqualTo(address);
            assertThat(second.message().body()).isEqualTo(body);
            assertThat(second.message().headers().get(Headers.RESENT)).isEqualTo(first.node());
            assertThat(second.message().headers().get(Headers.RUN_ID)).isEqualTo("run-1");
            assertThat(first.message().headers().contains(Headers.RESENT)).isFalse();
            assertThat(options.getSendTimeout()).isEqualTo(TIMEOUT_MILLIS - 3_000);
          });
          answer(second);
          return reply.map(message -> ((JsonObject) message.body()).getString("answeredBy")).map(node -> {
            test.verify(() -> assertThat(node).isEqualTo(second.node()));
            return node;
          });
        });
      });
    })).onComplete(test.succeedingThenComplete());
  }

  @ParameterizedTest
  @ValueSource(strings = {Addresses.DLQ_RETRY, Addresses.DLQ_DELETE})
  void aRequestNotSafeToRepeatIsAnswered503WhenItsNodeLeaves(String address, VertxTestContext test) {
    cluster.join("n1", "dlq");
    cluster.join("n2", "dlq");
    start("n1", "n2").compose(v -> onLoop(() -> {
      Future<Message<Object>> reply = serviceNodes.request(address, new JsonObject(), options());
      return arrival(0).compose(first -> {
        leaves(first.node(), Duration.ofMillis(1));
        return reply;
      });
    })).onComplete(test.failing(failure -> test.verify(() -> {
      Problem problem = problemOf(failure);
      assertThat(problem.type()).isEqualTo(ProblemType.DEPENDENCY_UNAVAILABLE);
      assertThat(problem.detail()).isEqualTo("The node handling this request left the cluster before answering, "
          + "and no other node could take it over (it is not safe to repeat: check its effect)");
      assertThat(problem.extensions().getInteger("retryAfterSeconds")).isEqualTo(1);
      assertThat(problem.extensions().getString("runId")).isEqualTo("run-1");
      assertThat(arrivals).hasSize(1);
      test.completeNow();
    })));
  }

  @Test
  void aRequestSafeToRepeatIsAnswered503WhenNoOtherNodeServesIt(VertxTestContext test) {
    cluster.join("n1", "workflow");
    cluster.join("n2", "dlq");
    start("n1", "n2").compose(v -> onLoop(() -> {
      Future<Message<Object>> reply = serviceNodes.request(Addresses.WORKFLOW_STATUS, new JsonObject(),
          new DeliveryOptions().setSendTimeout(TIMEOUT_MILLIS));
      return arrival(0).compose(first -> {
        leaves("n1", Duration.ofMillis(1));
        return reply;
      });
    })).onComplete(test.failing(failure -> test.verify(() -> {
      Problem problem = problemOf(failure);
      assertThat(problem.type()).isEqualTo(ProblemType.DEPENDENCY_UNAVAILABLE);
      assertThat(problem.detail()).isEqualTo(
          "The node handling this request left the cluster before answering, and no other node could take it over");
      assertThat(problem.extensions().containsKey("runId")).isFalse();
      assertThat(arrivals).extracting(Arrival::node).containsExactly("n1");
      test.completeNow();
    })));
  }

  @Test
  void aRequestIsResentOnceOnlyAndFailsWhenItsSecondNodeLeavesToo(VertxTestContext test) {
    cluster.join("n1", "workflow");
    cluster.join("n2", "workflow");
    cluster.join("n3", "workflow");
    start("n1", "n2", "n3").compose(v -> onLoop(() -> {
      Future<Message<Object>> reply = serviceNodes.request(Addresses.WORKFLOW_SUBMIT, new JsonObject(), options());
      return arrival(0).compose(first -> {
        leaves(first.node(), Duration.ofMillis(1));
        return arrival(1);
      }).compose(second -> {
        leaves(second.node(), Duration.ofMillis(1));
        return reply;
      });
    })).onComplete(test.failing(failure -> test.verify(() -> {
      assertThat(problemOf(failure).type()).isEqualTo(ProblemType.DEPENDENCY_UNAVAILABLE);
      assertThat(arrivals).hasSize(2);
      test.completeNow();
    })));
  }

  @Test
  void aRequestWhoseTimeoutHasRunOutIsAnswered503InsteadOfResent(VertxTestContext test) {
    cluster.join("n1", "workflow");
    cluster.join("n2", "workflow");
    start("n1", "n2").compose(v -> onLoop(() -> {
      Future<Message<Object>> reply = serviceNodes.request(Addresses.WORKFLOW_SUBMIT, new JsonObject(), options());
      return arrival(0).compose(first -> {
        leaves(first.node(), Duration.ofMillis(TIMEOUT_MILLIS));
        return reply;
      });
    })).onComplete(test.failing(failure -> test.verify(() -> {
      assertThat(problemOf(failure).type()).isEqualTo(ProblemType.DEPENDENCY_UNAVAILABLE);
      assertThat(arrivals).hasSize(1);
      test.completeNow();
    })));
  }

  /** One millisecond left is still worth a resend; the second node then has that millisecond to answer. */
  @Test
  void aRequestWithOneMillisecondLeftIsResentWithThatMillisecond(VertxTestContext test) {
    cluster.join("n1", "workflow");
    cluster.join("n2", "workflow");
    DeliveryOptions options = options();
    start("n1", "n2").compose(v -> onLoop(() -> {
      Future<Message<Object>> reply = serviceNodes.request(Addresses.WORKFLOW_SUBMIT, new JsonObject(), options);
      return arrival(0).compose(first -> {
        leaves(first.node(), Duration.ofMillis(TIMEOUT_MILLIS - 1));
        return reply;
      });
    })).onComplete(test.failing(failure -> test.verify(() -> {
      assertThat(options.getSendTimeout()).isEqualTo(1);
      assertThat(failure).isInstanceOf(ReplyException.class);
      assertThat(((ReplyException) failure).failureType()).isEqualTo(ReplyFailure.TIMEOUT);
      test.completeNow();
    })));
  }

  /**
   * A node given up on that answers after all is not heard: the resent request's answer (here a
   * timeout, as the second node stays silent for the 200 ms left) is the one that counts.
   */
  @Test
  void theLateAnswerOfTheNodeGivenUpOnIsIgnored(VertxTestContext test) {
    cluster.join("n1", "workflow");
    cluster.join("n2", "workflow");
    start("n1", "n2").compose(v -> onLoop(() -> {
      Future<Message<Object>> reply = serviceNodes.request(Addresses.WORKFLOW_SUBMIT, new JsonObject(), options());
      return arrival(0).compose(first -> {
        leaves(first.node(), Duration.ofMillis(TIMEOUT_MILLIS - 200));
        answer(first);
        return reply;
      });
    })).onComplete(test.failing(failure -> test.verify(() -> {
      assertThat(failure).isInstanceOf(ReplyException.class);
      assertThat(((ReplyException) failure).failureType()).isEqualTo(ReplyFailure.TIMEOUT);
      assertThat(arrivals).hasSize(2);
      test.completeNow();
    })));
  }

  @Test
  void aRequestWhoseNodeIsStillAMemberIsLeftToItsNode(VertxTestContext test) {
    cluster.join("n1", "workflow");
    cluster.join("n2", "workflow");
    start("n1", "n2").compose(v -> onLoop(() -> {
      Future<Message<Object>> reply = serviceNodes.request(Addresses.WORKFLOW_SUBMIT, new JsonObject(), options());
      return arrival(0).compose(first -> {
        leaves("some-other-node", Duration.ofMillis(3_000));
        answer(first);
        return reply.map(message -> {
          test.verify(() -> {
            assertThat(((JsonObject) message.body()).getString("answeredBy")).isEqualTo(first.node());
            assertThat(arrivals).hasSize(1);
          });
          return message;
        });
      });
    })).onComplete(test.succeedingThenComplete());
  }

  /** Once seen gone, a node gets no more requests; a node that joins again is found by the next refresh. */
  @Test
  void aNodeSeenLeavingIsNotChosenAgainUntilTheNextRefresh(VertxTestContext test) {
    cluster.join("n1", "workflow");
    cluster.join("n2", "workflow");
    start("n1", "n2").compose(v -> onLoop(() -> {
      Future<Message<Object>> reply = serviceNodes.request(Addresses.WORKFLOW_SUBMIT, new JsonObject(), options());
      return arrival(0).compose(first -> {
        leaves(first.node(), Duration.ofMillis(1));
        return arrival(1);
      }).compose(second -> {
        answer(second);
        return reply.compose(r -> answeredBy(Addresses.WORKFLOW_SUBMIT, 3)).map(after -> {
          test.verify(() -> assertThat(after).containsExactly(second.node(), second.node(), second.node()));
          return after;
        });
      }).compose(after -> {
        cluster.members.addAll(Set.of("n1", "n2")); // the node that left joins again
        return serviceNodes.refresh().compose(r -> answeredBy(Addresses.WORKFLOW_SUBMIT, 2));
      }).map(again -> {
        test.verify(() -> assertThat(Set.copyOf(again)).containsExactlyInAnyOrder("n1", "n2"));
        return again;
      });
    })).onComplete(test.succeedingThenComplete());
  }
}
