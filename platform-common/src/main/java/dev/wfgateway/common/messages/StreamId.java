package dev.wfgateway.common.messages;

/**
 * A DLQ entry id in the shape of a Redis stream id, {@code <epochMillis>-<seq>}: both backends use
 * it, so ids order by insertion time and a cursor pages identically everywhere.
 */
public record StreamId(long millis, long seq) implements Comparable<StreamId> {

  /** Parses an id; null when the text is not one (ids are opaque to clients, so a bad one simply matches nothing). */
  public static StreamId parse(String text) {
    int dash = text == null ? -1 : text.indexOf('-');
    if (dash <= 0) {
      return null;
    }
    try {
      long millis = Long.parseLong(text.substring(0, dash));
      long seq = Long.parseLong(text.substring(dash + 1));
      return millis < 0 || seq < 0 ? null : new StreamId(millis, seq);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** The next id after this one at wall-clock time {@code nowMillis}: never smaller, even if the clock steps back. */
  public StreamId next(long nowMillis) {
    return nowMillis > millis ? new StreamId(nowMillis, 0) : new StreamId(millis, seq + 1);
  }

  /** The greatest id below this one, so that "after previous()" means "from this id on". */
  public StreamId previous() {
    if (seq > 0) {
      return new StreamId(millis, seq - 1);
    }
    return new StreamId(millis - 1, Long.MAX_VALUE);
  }

  @Override
  public int compareTo(StreamId other) {
    int byMillis = Long.compare(millis, other.millis);
    return byMillis != 0 ? byMillis : Long.compare(seq, other.seq);
  }

  @Override
  public String toString() {
    return millis + "-" + seq;
  }
}
