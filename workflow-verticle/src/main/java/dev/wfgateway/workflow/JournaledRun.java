package dev.wfgateway.workflow;

import dev.wfgateway.common.messages.RunRecord;
import dev.wfgateway.common.messages.RunSource;
import dev.wfgateway.common.messages.SubmitRunRequest;
import io.vertx.core.json.JsonObject;

/**
 * One line of the run journal, decoded: a run record as it was saved, the instant it expires (its
 * retention counted from that save, as the run store's TTL is), and on the line that created the
 * run the request that admitted it, so that a restart can admit the run again as it came in. The
 * request is written without its input, which the record already carries.
 */
record JournaledRun(RunRecord run, long expiresAtMillis, SubmitRunRequest request) {

  /**
   * The line as the journal writes it, {@code {"expiresAt":…,"request":{…},"run":{…}}} (no
   * {@code request} on most lines), around the record's JSON text as the store encodes it, so a
   * save encodes its record once. {@link RunLine} reads this layout back without decoding it.
   */
  static String line(long expiresAtMillis, SubmitRunRequest request, String runJson) {
    StringBuilder line = new StringBuilder(runJson.length() + 256).append(RunLine.EXPIRES).append(expiresAtMillis);
    if (request != null) {
      JsonObject admittedBy = request.toJson();
      admittedBy.remove("input");
      line.append(RunLine.REQUEST).append(admittedBy.encode());
    }
    return line.append(RunLine.RUN).append(runJson).append('}').toString();
  }

  JournaledRun withRequest(SubmitRunRequest admittedBy) {
    return new JournaledRun(run, expiresAtMillis, admittedBy);
  }

  /**
   * The request to admit the run again with: as it came in, but async, since nobody waits for its
   * answer any more. A run this node adopted from another has no request here and gets one from
   * its record.
   */
  SubmitRunRequest restartRequest() {
    SubmitRunRequest r = request != null ? request
        : new SubmitRunRequest(run.tenant(), run.workflow(), run.input(), null, true, null, RunSource.EVENTBUS, 0);
    return new SubmitRunRequest(r.tenant(), r.workflow(), r.input(), r.idempotencyKey(), true, r.requestId(),
        r.source(), r.redriveCount());
  }

  /** @throws RuntimeException when the JSON is not a journaled run */
  static JournaledRun fromJson(JsonObject json) {
    RunRecord run = RunRecord.fromJson(json.getJsonObject("run"));
    if (run.runId() == null || run.tenant() == null) {
      throw new IllegalArgumentException("a run record needs its runId and tenant");
    }
    JsonObject admittedBy = json.getJsonObject("request");
    return new JournaledRun(run, json.getLong("expiresAt"),
        admittedBy == null ? null : SubmitRunRequest.fromJson(admittedBy.copy().put("input", run.input())));
  }
}
