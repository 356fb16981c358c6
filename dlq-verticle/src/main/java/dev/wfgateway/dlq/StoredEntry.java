package dev.wfgateway.dlq;

import dev.wfgateway.common.messages.DlqEntry;
import io.vertx.core.json.JsonObject;
import java.lang.System.Logger.Level;

/**
 * An entry of the local store, held as the journal's JSON text until something needs its fields:
 * a replay of thousands of entries then costs an index, not thousands of decodes. Decoded once,
 * it keeps only the decoded form. Used on the event loop only.
 */
final class StoredEntry {
  private static final System.Logger LOG = System.getLogger(StoredEntry.class.getName());

  private String json;
  private DlqEntry entry;
  private boolean unreadable;

  private StoredEntry(String json, DlqEntry entry) {
    this.json = json;
    this.entry = entry;
  }

  static StoredEntry decoded(DlqEntry entry) {
    return new StoredEntry(null, entry);
  }

  static StoredEntry encoded(String json) {
    return new StoredEntry(json, null);
  }

  /**
   * The entry, or null when its text is not one (only a damaged or hand-edited journal has such a
   * line): it is then left out of every answer, as a line that does not parse at all is.
   */
  DlqEntry entry() {
    if (entry == null && !unreadable) {
      try {
        entry = DlqEntry.fromJson(new JsonObject(json));
        json = null;
      } catch (RuntimeException e) {
        unreadable = true;
        LOG.log(Level.WARNING, "DLQ journal: skipping unreadable entry {0}", json);
      }
    }
    return entry;
  }

  /** The entry as JSON text, for rewriting the journal. */
  String json() {
    return json != null ? json : entry.toJson().encode();
  }
}
