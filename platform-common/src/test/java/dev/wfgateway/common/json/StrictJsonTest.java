package dev.wfgateway.common.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.wfgateway.common.ProblemType;
import dev.wfgateway.common.json.JsonRejected.Kind;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StrictJsonTest {
  private static Object decode(String json, int maxDepth) {
    return StrictJson.decode(Buffer.buffer(json), maxDepth, 0);
  }

  private static JsonRejected rejected(byte[] body) {
    try {
      StrictJson.decode(Buffer.buffer(body), 64, 0);
    } catch (JsonRejected e) {
      return e;
    }
    throw new AssertionError("accepted " + new String(body, StandardCharsets.ISO_8859_1));
  }

  private static JsonRejected rejected(String body) {
    return rejected(body.getBytes(StandardCharsets.UTF_8));
  }

  private static String nested(int levels) {
    return "[".repeat(levels) + "]".repeat(levels);
  }

  @Test
  void decodesTheSameValuesAsVertx() {
    String json = "{\"a\":1,\"b\":12345678901,\"c\":123456789012345678901234567890,\"d\":1.5,\"e\":\"x\\u00e9\","
        + "\"f\":[true,false,null],\"g\":{},\"h\":\"\\ud83d\\ude00\"}";
    assertThat(decode(json, 64)).isEqualTo(Json.decodeValue(json));
    assertThat(((JsonObject) decode(json, 64)).getValue("c")).isInstanceOf(BigInteger.class);
  }

  @Test
  void depthCountsContainersBelowTheEnvelope() {
    assertThat(decode(nested(64), 64)).isInstanceOf(JsonArray.class);
    assertThat(rejected(nested(65)).kind()).isEqualTo(Kind.TOO_DEEP);
    Buffer body = Buffer.buffer("{\"input\":" + nested(64) + "}");
    assertThat(StrictJson.decode(body, 64, 1)).isInstanceOf(JsonObject.class);
    JsonRejected deep = org.junit.jupiter.api.Assertions.assertThrows(JsonRejected.class,
        () -> StrictJson.decode(Buffer.buffer("{\"input\":{\"a\":" + nested(64) + "}}"), 64, 1));
    assertThat(deep.pointer()).startsWith("/input/a/0/0");
    assertThat(deep.problem().type()).isEqualTo(ProblemType.VALIDATION_FAILED);
  }

  @Test
  void aThousandLevelsAreRefusedWithoutRecursingThatFar() {
    assertThat(rejected(nested(997)).kind()).isEqualTo(Kind.TOO_DEEP);
    assertThat(rejected("[".repeat(100_000)).kind()).isEqualTo(Kind.TOO_DEEP);
  }

  @ParameterizedTest
  @ValueSource(strings = {"1e400", "-1e400", "2e308", "1e-400", "0.0000001e-330"})
  void numbersThatWouldChangeAreRefused(String number) {
    JsonRejected e = rejected("{\"n\":" + number + "}");
    assertThat(e.kind()).isEqualTo(Kind.NUMBER_OUT_OF_RANGE);
    assertThat(e.pointer()).isEqualTo("/n");
  }

  @ParameterizedTest
  @ValueSource(strings = {"0.0", "0e10", "-0.0", "1e308", "4.9e-324", "1E-5"})
  void representableNumbersPass(String number) {
    assertThat(((JsonObject) decode("{\"n\":" + number + "}", 4)).getDouble("n")).isEqualTo(Double.parseDouble(number));
  }

  @Test
  void illFormedUtf8IsRefused() {
    byte[][] cases = {
        {'"', (byte) 0xc0, (byte) 0xaf, '"'},                 // overlong '/'
        {'"', (byte) 0xe0, (byte) 0x80, (byte) 0xaf, '"'},    // overlong, three bytes
        {'"', (byte) 0xed, (byte) 0xa0, (byte) 0x80, '"'},    // encoded surrogate U+D800
        {'"', (byte) 0xf4, (byte) 0x90, (byte) 0x80, (byte) 0x80, '"'}, // above U+10FFFF
        {'"', (byte) 0xff, '"'},
        {'"', (byte) 0xc3, '"'},                              // truncated sequence
        {'"', (byte) 0xe2, (byte) 0x82},                      // truncated at the end
    };
    for (byte[] body : cases) {
      assertThat(rejected(body).kind()).isEqualTo(Kind.MALFORMED);
      assertThat(rejected(body).problem().type()).isEqualTo(ProblemType.MALFORMED_JSON);
    }
    assertThat(decode("\"\u00e9\u20ac\ud83d\ude00\"", 1)).isEqualTo("\u00e9\u20ac\ud83d\ude00");
  }

  @ParameterizedTest
  @ValueSource(strings = {"\"\\ud800\"", "\"\\udc00\"", "\"a\\ud800b\"", "{\"\\ud800\":1}", "\"\\ude00\\ud83d\""})
  void unpairedSurrogateEscapesAreRefused(String json) {
    assertThat(rejected(json).kind()).isEqualTo(Kind.INVALID_TEXT);
  }

  @Test
  void duplicateMembersAreRefusedWithTheirPointer() {
    JsonRejected e = rejected("{\"a\":{\"b\":1,\"b\":2}}");
    assertThat(e.kind()).isEqualTo(Kind.DUPLICATE_KEY);
    assertThat(e.pointer()).isEqualTo("/a/b");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", " ", "{", "{\"a\":1}x", "{\"a\":1} {}", "[1,]", "{'a':1}", "NaN", "01", "{\"a\":1,}", "// c\n{}"})
  void malformedTextIsRefused(String json) {
    assertThat(rejected(json).kind()).isEqualTo(Kind.MALFORMED);
  }

  @Test
  void pointersEscapeAndStayShort() {
    assertThat(rejected("{\"a/b~\":1e999}").pointer()).isEqualTo("/a~1b~0");
    String longKey = "k".repeat(500);
    assertThat(rejected("{\"" + longKey + "\":1e999}").pointer()).hasSizeLessThanOrEqualTo(201);
  }

  @Test
  void checksDecodedValuesByTheSameRules() {
    JsonObject ok = new JsonObject().put("a", new JsonArray().add(1.5).add("x"));
    StrictJson.check(ok, 2, "/input");
    JsonObject deep = new JsonObject().put("a", new JsonObject().put("b", new JsonObject()));
    assertThatThrownBy(() -> StrictJson.check(deep, 2, "/input"))
        .isInstanceOfSatisfying(JsonRejected.class, e -> assertThat(e.pointer()).isEqualTo("/input/a/b"));
    assertThatThrownBy(() -> StrictJson.check(new JsonObject().put("n", Double.POSITIVE_INFINITY), 4, ""))
        .isInstanceOfSatisfying(JsonRejected.class, e -> assertThat(e.kind()).isEqualTo(Kind.NUMBER_OUT_OF_RANGE));
    assertThatThrownBy(() -> StrictJson.check(new JsonObject(Map.of("s", "\ud800")), 4, ""))
        .isInstanceOfSatisfying(JsonRejected.class, e -> assertThat(e.kind()).isEqualTo(Kind.INVALID_TEXT));
  }
}
