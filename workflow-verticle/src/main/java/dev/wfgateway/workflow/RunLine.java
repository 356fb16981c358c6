package dev.wfgateway.workflow;

import dev.wfgateway.common.journal.JsonLinesJournal;
import dev.wfgateway.common.messages.RunStatus;
import io.vertx.core.json.JsonObject;

/**
 * A line of the run journal as replay and compaction read it: the run's key, expiry and status
 * and whether the line carries the admitting request, plus the line itself. A line in the layout
 * {@link JournaledRun#line} writes is read by that layout, without decoding its record, which
 * keeps compacting a large file cheap; only a run that is taken over is decoded ({@link #decode}).
 *
 * @param runStart where the run record's JSON text starts in {@code text}
 */
record RunLine(String key, long expiresAtMillis, RunStatus status, boolean carriesRequest, String text,
    int runStart) {
  static final String EXPIRES = "{\"expiresAt\":";
  static final String REQUEST = ",\"request\":";
  static final String RUN = ",\"run\":";
  /** A run record's JSON starts with these fields, in this order ({@code RunRecord#toJson}). */
  private static final String RUN_ID = RUN + "{\"runId\":\"";
  private static final String TENANT = "\",\"tenant\":\"";
  private static final String WORKFLOW = "\",\"workflow\":\"";
  private static final String STATUS = "\",\"status\":\"";

  /** Reads the layout the journal writes, checking every other line in full. */
  static final JsonLinesJournal.LineReader<RunLine> READER = new JsonLinesJournal.LineReader<>() {
    @Override
    public RunLine read(String line) {
      try {
        return of(JournaledRun.fromJson(new JsonObject(line)));
      } catch (RuntimeException e) {
        return null;
      }
    }

    @Override
    public RunLine read(String text, int from, int to) {
      String line = text.substring(from, to);
      RunLine asWritten = readAsWritten(line);
      return asWritten != null ? asWritten : read(line);
    }
  };

  /** The run record's JSON text, as the run store keeps it. */
  String runJson() {
    return text.substring(runStart, text.length() - 1);
  }

  /** @throws RuntimeException when the line does not decode */
  JournaledRun decode() {
    return JournaledRun.fromJson(new JsonObject(text));
  }

  static RunLine of(JournaledRun run) {
    String runJson = run.run().toJson().encode();
    String text = JournaledRun.line(run.expiresAtMillis(), run.request(), runJson);
    return new RunLine(SharedDataRunStore.key(run.run().tenant(), run.run().runId()), run.expiresAtMillis(),
        run.run().status(), run.request() != null, text, text.length() - 1 - runJson.length());
  }

  /**
   * The line found by its layout; null for any other line (a string with an escape in it
   * included), which is then parsed in full. The first {@code "run":{"runId":"} in a line is the
   * record's: a request before it has no nested objects, and the record's input comes after.
   */
  private static RunLine readAsWritten(String text) {
    int length = text.length();
    if (!text.startsWith(EXPIRES) || length < 2 || text.charAt(length - 1) != '}' || text.charAt(length - 2) != '}') {
      return null;
    }
    int digitsEnd = EXPIRES.length();
    while (digitsEnd < length && digitsEnd - EXPIRES.length() < 19 && Character.isDigit(text.charAt(digitsEnd))) {
      digitsEnd++;
    }
    int runIdAt = text.indexOf(RUN_ID, digitsEnd);
    if (digitsEnd == EXPIRES.length() || runIdAt < 0) {
      return null;
    }
    int idStart = runIdAt + RUN_ID.length();
    int idEnd = stringEnd(text, idStart, TENANT);
    int tenantEnd = idEnd < 0 ? -1 : stringEnd(text, idEnd + TENANT.length(), WORKFLOW);
    int workflowEnd = tenantEnd < 0 ? -1 : stringEnd(text, tenantEnd + WORKFLOW.length(), STATUS);
    int statusStart = workflowEnd + STATUS.length();
    int statusEnd = workflowEnd < 0 ? -1 : text.indexOf('"', statusStart);
    if (statusEnd < 0) {
      return null;
    }
    try {
      return new RunLine(SharedDataRunStore.key(text.substring(idEnd + TENANT.length(), tenantEnd),
          text.substring(idStart, idEnd)), Long.parseLong(text, EXPIRES.length(), digitsEnd, 10),
          RunStatus.fromWire(text.substring(statusStart, statusEnd)), text.startsWith(REQUEST, digitsEnd), text,
          runIdAt + RUN.length());
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** Where the string starting at {@code from} ends, if it has no escape and {@code next} follows; else -1. */
  private static int stringEnd(String text, int from, String next) {
    int end = text.indexOf('"', from);
    return end < 0 || text.lastIndexOf('\\', end) >= from || !text.startsWith(next, end) ? -1 : end;
  }
}
