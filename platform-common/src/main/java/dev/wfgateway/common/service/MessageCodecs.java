package dev.wfgateway.common.service;

import dev.wfgateway.common.messages.DlqAdded;
import dev.wfgateway.common.messages.DlqEntry;
import dev.wfgateway.common.messages.DlqQuery;
import dev.wfgateway.common.messages.RateLimitDecision;
import dev.wfgateway.common.messages.RateLimitRequest;
import dev.wfgateway.common.messages.RunRecord;
import dev.wfgateway.common.messages.RunStatusRequest;
import dev.wfgateway.common.messages.SubmitRunRequest;
import dev.wfgateway.common.messages.SubmittedRun;
import io.vertx.core.eventbus.EventBus;
import java.util.List;

/** The codecs of the platform's message records, registered once per event bus as their default codecs. */
public final class MessageCodecs {
  private static final List<RecordCodec<?>> ALL = List.of(RateLimitRequest.CODEC, RateLimitDecision.CODEC,
      SubmitRunRequest.CODEC, SubmittedRun.CODEC, RunStatusRequest.CODEC, RunRecord.CODEC, DlqEntry.CODEC,
      DlqAdded.CODEC, DlqQuery.CODEC, ServiceFailure.CODEC);

  private MessageCodecs() {
  }

  /**
   * Registers what is not registered yet: every verticle calls this, and whichever registers a
   * codec first wins (a second registration is refused by the bus and ignored here).
   */
  public static void register(EventBus bus) {
    for (RecordCodec<?> codec : ALL) {
      registerOne(bus, codec);
    }
  }

  private static <T> void registerOne(EventBus bus, RecordCodec<T> codec) {
    try {
      bus.registerDefaultCodec(codec.type(), codec);
    } catch (IllegalStateException alreadyRegistered) {
      // another verticle of this node registered it first
    }
  }
}
