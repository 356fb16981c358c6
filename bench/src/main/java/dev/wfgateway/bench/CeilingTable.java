package dev.wfgateway.bench;

import dev.wfgateway.bench.CeilingSearch.Ceiling;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The ceiling command's report: one Markdown row per target with its ceiling, the latencies,
 * errors and generator lateness of the step at the ceiling, its ratio to each reference target present (e.g. the peer
 * and the floor), and what bounded the search from above.
 */
final class CeilingTable {
  private final double p99BoundMillis;
  private final List<String> ratioTo;

  CeilingTable(double p99BoundMillis, List<String> ratioTo) {
    this.p99BoundMillis = p99BoundMillis;
    this.ratioTo = ratioTo;
  }

  /** {@code ceilings} in the order the rows should appear. */
  String render(Map<String, Ceiling> ceilings) {
    List<String> references = ratioTo.stream().filter(ceilings::containsKey).toList();
    StringBuilder header = new StringBuilder(String.format(Locale.ROOT,
        "| target | ceiling req/s | p50 ms | p99 ms (bound %.0f) | errors | sent late p99 ms |", p99BoundMillis));
    StringBuilder rule = new StringBuilder("|---|---|---|---|---|---|");
    for (String reference : references) {
      header.append(" vs ").append(reference).append(" |");
      rule.append("---|");
    }
    List<String> lines = new ArrayList<>(List.of(header.append(" steps | above the ceiling |").toString(),
        rule.append("---|---|").toString()));
    ceilings.forEach((name, ceiling) -> lines.add(row(name, ceiling, references, ceilings)));
    return String.join("\n", lines);
  }

  private static String row(String name, Ceiling ceiling, List<String> references, Map<String, Ceiling> ceilings) {
    StringBuilder row = new StringBuilder("| ").append(name).append(" | ");
    LoadResult at = ceiling.atCeiling() == null ? null : ceiling.atCeiling().result();
    if (at == null) {
      row.append("– | – | – | – | – |");
    } else {
      row.append(String.format(Locale.ROOT, "%,.0f | %.2f | %.2f | %d of %,d | %.2f |", ceiling.rate(),
          at.millisAt(50), at.millisAt(99), at.errors, at.requests(), at.sendLagMillisAt(99)));
    }
    for (String reference : references) {
      double base = ceilings.get(reference).rate();
      row.append(at == null || base <= 0 ? " – |" : String.format(Locale.ROOT, " %.2f× |", ceiling.rate() / base));
    }
    return row.append(' ').append(ceiling.steps().size()).append(" | ").append(ceiling.note()).append(" |").toString();
  }
}
