package dev.wfgateway.common.service;

import dev.wfgateway.common.Addresses;
import dev.wfgateway.common.Problem;
import dev.wfgateway.common.ProblemException;
import dev.wfgateway.common.ProblemType;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * One address of a platform service with its request and reply records. A platform sender sends
 * the record and gets the reply record; another service sends the contract JSON of DESIGN.md
 * section 3 and gets JSON back. Either way a refusal is a {@link ServiceFailure}.
 */
public final class Endpoint<Q, R> {
  private static final System.Logger LOG = System.getLogger(Endpoint.class.getName());

  /** Serves one request; headers are the message's ({@code x-request-id}, {@code traceparent}, ...). */
  @FunctionalInterface
  public interface Handler<Q, R> {
    Future<R> handle(Q request, MultiMap headers);
  }

  private final String address;
  private final RecordCodec<Q> request;
  private final RecordCodec<R> reply;
  private final BiConsumer<Message<Object>, R> jsonReply;
  private final Function<Message<Object>, R> jsonReplyReader;

  /** An endpoint whose contract reply is the reply record's JSON. */
  public Endpoint(String address, RecordCodec<Q> request, RecordCodec<R> reply) {
    this(address, request, reply, (message, r) -> message.reply(reply.toJson(r)),
        message -> reply.fromJson((JsonObject) message.body()));
  }

  /**
   * An endpoint whose contract reply is not just the record's JSON: {@code jsonReply} answers a
   * JSON sender, {@code jsonReplyReader} reads such an answer (from a service that speaks JSON).
   */
  public Endpoint(String address, RecordCodec<Q> request, RecordCodec<R> reply,
      BiConsumer<Message<Object>, R> jsonReply, Function<Message<Object>, R> jsonReplyReader) {
    this.address = address;
    this.request = request;
    this.reply = reply;
    this.jsonReply = jsonReply;
    this.jsonReplyReader = jsonReplyReader;
  }

  public String address() {
    return address;
  }

  /** Sends {@code body} to {@code to} (this address, or one of its node addresses) and reads the reply. */
  public Future<R> request(Requester requester, String to, Q body, DeliveryOptions options) {
    return requester.request(to, body, options).map(this::replyOf);
  }

  public Future<R> request(Requester requester, Q body, DeliveryOptions options) {
    return request(requester, address, body, options);
  }

  /** The reply record of a reply message: a platform service's record, or the JSON of another one. */
  public R replyOf(Message<Object> message) {
    Object body = message.body();
    return reply.type().isInstance(body) ? reply.type().cast(body) : jsonReplyReader.apply(message);
  }

  /**
   * Serves this endpoint at {@code at}: this address, or a node address of it. A platform sender
   * gets the reply record as is (a refusal as a {@link ServiceFailure}), a JSON sender the contract
   * JSON (a refusal as Vert.x's own {@code ReplyException}: failure code the status, message the
   * problem JSON).
   */
  public MessageConsumer<Object> serve(EventBus bus, String at, Handler<Q, R> handler) {
    return bus.consumer(at, message -> {
      Object body = message.body();
      boolean typed = request.type().isInstance(body);
      Future<R> answer;
      try {
        answer = handler.handle(typed ? request.type().cast(body) : request.fromJson(json(body)), message.headers());
      } catch (RuntimeException e) {
        answer = Future.failedFuture(e);
      }
      answer.onComplete(r -> {
        if (typed) {
          message.reply(r);
        } else {
          jsonReply.accept(message, r);
        }
      }, failure -> {
        Problem problem = problemOf(failure);
        if (typed) {
          message.reply(new ServiceFailure(problem));
        } else { // a JSON sender may be a node without the platform's codecs: Vert.x's own failure
          message.fail(problem.status(), problem.toJson().encode());
        }
      });
    });
  }

  /** Serves this endpoint at its contract address and at node {@code nodeId}'s own address of it. */
  public List<MessageConsumer<Object>> serveWithNodeAddress(EventBus bus, String nodeId, Handler<Q, R> handler) {
    return List.of(serve(bus, address, handler), serve(bus, Addresses.onNode(address, nodeId), handler));
  }

  private static JsonObject json(Object body) {
    if (body instanceof JsonObject json) {
      return json;
    }
    throw new ProblemException(ProblemType.MALFORMED_JSON.problem("The message body must be a JSON object"));
  }

  private Problem problemOf(Throwable failure) {
    if (failure instanceof ProblemException pe) {
      return pe.problem();
    }
    if (failure instanceof ServiceFailure sf) {
      return sf.problem();
    }
    LOG.log(Level.WARNING, "{0} failed: {1}", address, String.valueOf(failure));
    return ProblemType.INTERNAL.problem("The request could not be completed");
  }
}
