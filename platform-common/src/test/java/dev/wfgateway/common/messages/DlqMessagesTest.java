package dev.wfgateway.common.messages;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wfgateway.common.service.RecordCodec;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The DLQ's message records cross to another node as their contract JSON and arrive the same. */
class DlqMessagesTest {
  private static <T> T overTheWire(RecordCodec<T> codec, T value) {
    Buffer wire = Buffer.buffer().appendString("ahead of the message");
    int at = wire.length();
    codec.encodeToWire(wire, value);
    return codec.decodeFromWire(at, wire);
  }

  @Test
  void aQueryKeepsItsFilterLimitAndCursor() {
    JsonObject sent = new JsonObject().put("tenant", "acme").put("workflow", "payout").put("reason", "timeout")
        .put("q", "needle").put("limit", 7).put("cursor", "1700000000000-3@globex");
    DlqQuery query = DlqQuery.fromJson(sent);

    assertThat(query.toJson()).isEqualTo(sent);
    assertThat(overTheWire(DlqQuery.CODEC, query)).isEqualTo(query);
    assertThat(overTheWire(DlqQuery.CODEC, DlqQuery.fromJson(new JsonObject())))
        .isEqualTo(new DlqQuery(new DlqFilter(null, null, null, null, null), DlqQuery.DEFAULT_LIMIT, null));
  }

  @Test
  void anEntryAndTheIdItWasStoredUnderArriveWhole() {
    DlqEntry entry = new DlqEntry(null, "acme", "payout", "r-1", new JsonObject().put("amount", 42),
        DlqReason.LOCK_LOST, new FailureInfo("lock_lost", "fence moved", "pay"),
        List.of(new CompensationRecord("reserve", "failed", 3, "HTTP 503")), 2, "2026-12-01T00:00:00Z",
        "2026-12-01T00:00:05Z", RunSource.REDRIVE, "req-1", 1);

    assertThat(overTheWire(DlqEntry.CODEC, entry)).isEqualTo(entry);
    assertThat(overTheWire(DlqAdded.CODEC, new DlqAdded("1700000000000-0"))).isEqualTo(new DlqAdded("1700000000000-0"));
  }
}
