package dev.wfgateway.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

class JsonDepthTest {
  private static Buffer nested(int depth) {
    return Buffer.buffer("[".repeat(depth) + "]".repeat(depth));
  }

  @Test
  void countsArraysAndObjectsAlike() {
    assertThat(JsonDepth.exceeds(nested(64), 64)).isFalse();
    assertThat(JsonDepth.exceeds(nested(65), 64)).isTrue();
    assertThat(JsonDepth.exceeds(Buffer.buffer("{\"a\":{\"b\":[1]}}"), 3)).isFalse();
    assertThat(JsonDepth.exceeds(Buffer.buffer("{\"a\":{\"b\":[1]}}"), 2)).isTrue();
  }

  @Test
  void bracketsInsideStringsDoNotCount() {
    assertThat(JsonDepth.exceeds(Buffer.buffer("{\"a\":\"[[[[{{{{\"}"), 1)).isFalse();
    assertThat(JsonDepth.exceeds(Buffer.buffer("{\"a\":\"\\\"[[[[\"}"), 1)).isFalse();
    assertThat(JsonDepth.exceeds(Buffer.buffer("{\"a\":\"\\\\\",\"b\":[[1]]}"), 2)).isTrue();
  }

  @Test
  void siblingsDoNotAddUp() {
    assertThat(JsonDepth.exceeds(Buffer.buffer("[[1],[2],[3],[4]]"), 2)).isFalse();
  }
}
