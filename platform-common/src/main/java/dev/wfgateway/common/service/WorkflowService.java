package dev.wfgateway.common.service;

import dev.wfgateway.common.Addresses;
import dev.wfgateway.common.Headers;
import dev.wfgateway.common.messages.RunRecord;
import dev.wfgateway.common.messages.RunStatusRequest;
import dev.wfgateway.common.messages.SubmitRunRequest;
import dev.wfgateway.common.messages.SubmittedRun;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * The workflow engine: {@code platform.workflow.submit} and {@code platform.workflow.status}.
 * A submit's headers may carry the run id the sender chose ({@link Headers#RUN_ID}), the node it
 * went to first ({@link Headers#RESENT}), {@code x-request-id} and {@code traceparent}.
 */
public interface WorkflowService {
  Endpoint<SubmitRunRequest, SubmittedRun> SUBMIT = new Endpoint<>(Addresses.WORKFLOW_SUBMIT,
      SubmitRunRequest.CODEC, SubmittedRun.CODEC, WorkflowService::replyJson,
      reply -> new SubmittedRun((JsonObject) reply.body(),
          "true".equals(reply.headers().get(Headers.IDEMPOTENT_REPLAYED))));
  Endpoint<RunStatusRequest, RunRecord> STATUS = new Endpoint<>(Addresses.WORKFLOW_STATUS,
      RunStatusRequest.CODEC, RunRecord.CODEC);

  Future<SubmittedRun> submit(SubmitRunRequest request, MultiMap headers);

  Future<RunRecord> status(RunStatusRequest request);

  /** Serves {@code service} at the contract addresses and at this node's own addresses. */
  static List<MessageConsumer<Object>> bind(EventBus bus, String nodeId, WorkflowService service) {
    MessageCodecs.register(bus);
    Endpoint.Handler<SubmitRunRequest, SubmittedRun> submit = service::submit;
    Endpoint.Handler<RunStatusRequest, RunRecord> status = (request, headers) -> service.status(request);
    List<MessageConsumer<Object>> consumers = new ArrayList<>(SUBMIT.serveWithNodeAddress(bus, nodeId, submit));
    consumers.addAll(STATUS.serveWithNodeAddress(bus, nodeId, status));
    return consumers;
  }

  /** A JSON sender gets the run record, and a replay is flagged in a header. */
  private static void replyJson(Message<Object> message, SubmittedRun submitted) {
    message.reply(submitted.run(), submitted.replayed()
        ? new DeliveryOptions().addHeader(Headers.IDEMPOTENT_REPLAYED, "true") : new DeliveryOptions());
  }
}
