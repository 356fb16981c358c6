package dev.wfgateway.workflow;

import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;

/**
 * The active-run registry as a list of what it was told: {@code admitted:<run>},
 * {@code adopted:<run>:<node>}, {@code ended:<run>}.
 */
final class RecordingActiveRuns implements ActiveRuns {
  final List<String> events = new ArrayList<>();

  @Override
  public Future<Void> admitted(RunContext context, String runId) {
    events.add("admitted:" + runId);
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> adopted(RunContext context, String runId, String fromNode) {
    events.add("adopted:" + runId + ":" + fromNode);
    return Future.succeededFuture();
  }

  @Override
  public void ended(String runId) {
    events.add("ended:" + runId);
  }
}
