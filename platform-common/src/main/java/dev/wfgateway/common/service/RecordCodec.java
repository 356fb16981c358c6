package dev.wfgateway.common.service;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;
import io.vertx.core.json.JsonObject;
import java.util.function.Function;

/**
 * A message record on the event bus: a consumer on the same node gets the sender's object itself
 * (records are immutable, and no sender touches a message's JSON after sending it), another node
 * gets it encoded once as the record's contract JSON.
 */
public final class RecordCodec<T> implements MessageCodec<T, T> {
  /**
   * The reply of an endpoint whose contract reply is a free-form JSON document. Only its JSON side
   * is used: it is never registered, JSON travels with Vert.x's own codec.
   */
  public static final RecordCodec<JsonObject> JSON_DOCUMENT =
      new RecordCodec<>(JsonObject.class, json -> json, json -> json);

  private final Class<T> type;
  private final Function<T, JsonObject> toJson;
  private final Function<JsonObject, T> fromJson;

  public RecordCodec(Class<T> type, Function<T, JsonObject> toJson, Function<JsonObject, T> fromJson) {
    this.type = type;
    this.toJson = toJson;
    this.fromJson = fromJson;
  }

  public Class<T> type() {
    return type;
  }

  public JsonObject toJson(T value) {
    return toJson.apply(value);
  }

  /** The record a JSON sender meant; a malformed one is a {@code ProblemException} (400). */
  public T fromJson(JsonObject json) {
    return fromJson.apply(json);
  }

  @Override
  public void encodeToWire(Buffer buffer, T value) {
    Buffer json = toJson.apply(value).toBuffer();
    buffer.appendInt(json.length()).appendBuffer(json);
  }

  @Override
  public T decodeFromWire(int pos, Buffer buffer) {
    int length = buffer.getInt(pos);
    return fromJson.apply(new JsonObject(buffer.slice(pos + 4, pos + 4 + length)));
  }

  @Override
  public T transform(T value) {
    return value;
  }

  @Override
  public String name() {
    return "wfgateway." + type.getSimpleName();
  }

  @Override
  public byte systemCodecID() {
    return -1;
  }
}
