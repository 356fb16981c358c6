package dev.wfgateway.common.scaling;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * What one node says about itself every few seconds (kept in the cluster-wide node directory):
 * which verticles it runs, whether it is ready, and the live figures the scaling policy reads.
 * {@code cpu} is the process CPU load in [0, 1]; {@code failureRate} covers the last report interval.
 */
public record NodeReport(String nodeId, List<String> verticles, String backend, boolean ready, JsonObject checks,
    double cpu, double p99RunMillis, double failureRate, long runs, int bulkheadQueued, String reportedAt) {

  public JsonObject toJson() {
    return new JsonObject().put("nodeId", nodeId).put("verticles", new JsonArray(List.copyOf(verticles)))
        .put("backend", backend).put("ready", ready).put("checks", checks).put("cpu", cpu)
        .put("p99RunMillis", p99RunMillis).put("failureRate", failureRate).put("runs", runs)
        .put("bulkheadQueued", bulkheadQueued).put("reportedAt", reportedAt);
  }

  public static NodeReport fromJson(JsonObject json) {
    return new NodeReport(json.getString("nodeId"),
        json.getJsonArray("verticles", new JsonArray()).stream().map(String::valueOf).toList(),
        json.getString("backend"), json.getBoolean("ready", false), json.getJsonObject("checks", new JsonObject()),
        json.getDouble("cpu", 0.0), json.getDouble("p99RunMillis", 0.0), json.getDouble("failureRate", 0.0),
        json.getLong("runs", 0L), json.getInteger("bulkheadQueued", 0), json.getString("reportedAt"));
  }
}
