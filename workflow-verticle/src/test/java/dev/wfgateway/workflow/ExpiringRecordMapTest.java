package dev.wfgateway.workflow;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The embedded default's in-memory records: expiry exact on a hand-moved clock, one sweep for all. */
class ExpiringRecordMapTest {
  private final ManualTime time = new ManualTime();
  private final ExpiringRecordMap map = new ExpiringRecordMap(time, time);

  @Test
  void aRecordIsAnsweredUntilItsTimeToLiveEndsAndNotAMillisecondLonger() {
    map.put("run-1", "a", 1_000);
    time.advance(999);
    assertThat(map.get("run-1").result()).isEqualTo("a");
    time.advance(1);
    assertThat(map.get("run-1").result()).as("expired, though not swept yet").isNull();
    assertThat(map.putIfAbsent("run-1", "b", 1_000).result()).as("an expired key is free again").isNull();
    assertThat(map.get("run-1").result()).isEqualTo("b");
  }

  @Test
  void putIfAbsentAnswersWhatTheKeyHoldsAndKeepsIt() {
    assertThat(map.putIfAbsent("k", "first", 5_000).result()).isNull();
    assertThat(map.putIfAbsent("k", "second", 5_000).result()).isEqualTo("first");
    assertThat(map.get("k").result()).isEqualTo("first");
  }

  @Test
  void removeIfPresentRemovesOnlyTheValueItWasGiven() {
    map.put("k", "mine", 5_000);
    assertThat(map.removeIfPresent("k", "theirs").result()).isFalse();
    assertThat(map.get("k").result()).isEqualTo("mine");
    assertThat(map.removeIfPresent("k", "mine").result()).isTrue();
    assertThat(map.get("k").result()).isNull();
  }

  @Test
  void theSweepDropsExpiredRecordsEverySecondAndKeepsOnesRewrittenSince() {
    map.put("old", "1", 1_500);
    map.put("rewritten", "1", 1_500);
    time.advance(1_000);
    map.put("rewritten", "2", 1_500);
    assertThat(map.size()).isEqualTo(2);
    time.advance(1_000); // the second sweep, at 2 s: "old" expired at 1.5 s, "rewritten" lives to 2.5 s
    assertThat(map.size()).isEqualTo(1);
    assertThat(map.get("rewritten").result()).isEqualTo("2");
    time.advance(1_000);
    assertThat(map.size()).as("swept at 3 s").isZero();
    assertThat(time.pending()).as("the sweep stays scheduled").isEqualTo(1);
  }
}
