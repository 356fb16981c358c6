package dev.wfgateway.gateway;

import dev.wfgateway.common.ClusterMembership;
import dev.wfgateway.common.NodeStatus;
import dev.wfgateway.common.scaling.NodeReport;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The cluster as the node directory and the cluster manager see it: every live member with the
 * verticles it runs and its health. A member that has not reported yet is {@code UNKNOWN}; a
 * report whose node left the cluster is ignored (its entry expires by itself).
 */
final class ClusterView implements LiveNodes {
  private final Vertx vertx;

  ClusterView(Vertx vertx) {
    this.vertx = vertx;
  }

  @Override
  public Future<List<NodeReport>> reports(String verticle) {
    return vertx.sharedData().<String, String>getAsyncMap(NodeStatus.DIRECTORY).compose(AsyncMap::entries)
        .map(entries -> {
          Set<String> members = members(entries);
          List<NodeReport> reports = new ArrayList<>();
          entries.forEach((id, json) -> {
            NodeReport report = NodeReport.fromJson(new JsonObject(json));
            if (members.contains(id) && (verticle == null || report.verticles().contains(verticle))) {
              reports.add(report);
            }
          });
          return reports;
        });
  }

  Future<JsonObject> describe() {
    return vertx.sharedData().<String, String>getAsyncMap(NodeStatus.DIRECTORY).compose(AsyncMap::entries)
        .map(entries -> {
          JsonArray members = new JsonArray();
          for (String id : members(entries)) {
            String report = entries.get(id);
            if (report == null) {
              members.add(new JsonObject().put("nodeId", id).put("health", "UNKNOWN").put("verticles", new JsonArray()));
            } else {
              NodeReport r = NodeReport.fromJson(new JsonObject(report));
              members.add(r.toJson().put("health", r.ready() ? "UP" : "DOWN"));
            }
          }
          return new JsonObject().put("clustered", clustered()).put("size", members.size()).put("members", members);
        });
  }

  @Override
  public boolean clustered() {
    return vertx.isClustered();
  }

  /** The ids of the cluster's live members, as this node's cluster manager knows them now. */
  @Override
  public Set<String> members() {
    return ClusterMembership.of(vertx).members();
  }

  private Set<String> members(Map<String, String> entries) {
    return new TreeSet<>(clustered() ? members() : entries.keySet());
  }
}
