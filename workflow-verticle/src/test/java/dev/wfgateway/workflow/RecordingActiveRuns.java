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
  public Future<Void> register(RunContext context, String runId, String adoptedFrom) {
    events.add(adoptedFrom == null ? "admitted:" + runId : "adopted:" + runId + ":" + adoptedFrom);
    return Future.succeededFuture();
  }

  @Override
  public void ended(String runId) {
    events.add("ended:" + runId);
  }
}
