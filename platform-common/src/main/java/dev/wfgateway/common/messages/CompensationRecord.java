package dev.wfgateway.common.messages;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/** One compensation of a failed run: {@code status} is {@code succeeded} or {@code failed}. */
public record CompensationRecord(String name, String status, int attempts, String error) {

  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("name", name).put("status", status).put("attempts", attempts);
    if (error != null) {
      json.put("error", error);
    }
    return json;
  }

  public static CompensationRecord fromJson(JsonObject json) {
    return new CompensationRecord(json.getString("name"), json.getString("status"), json.getInteger("attempts", 0),
        json.getString("error"));
  }

  static JsonArray toJson(List<CompensationRecord> compensations) {
    return new JsonArray(compensations.stream().map(CompensationRecord::toJson).toList());
  }

  static List<CompensationRecord> listFrom(JsonArray json) {
    return json == null ? List.of() : json.stream().map(o -> fromJson((JsonObject) o)).toList();
  }
}
