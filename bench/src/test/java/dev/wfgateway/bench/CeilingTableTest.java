package dev.wfgateway.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wfgateway.bench.CeilingSearch.Ceiling;
import dev.wfgateway.bench.CeilingSearch.Step;
import dev.wfgateway.bench.CeilingSearch.Verdict;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CeilingTableTest {
  @Test
  void eachRowGivesItsRatioToTheReferenceTargetsPresentAndATargetWithoutCeilingHasNone() {
    Map<String, Ceiling> ceilings = new LinkedHashMap<>();
    ceilings.put("scg", ceiling(4000));
    ceilings.put("floor", ceiling(20_000));
    ceilings.put("redis", ceiling(9000));
    ceilings.put("cluster", new Ceiling(null, "nothing passed", List.of()));
    String[] lines = new CeilingTable(50, List.of("scg", "floor", "absent")).render(ceilings).split("\n");
    assertThat(lines[0]).isEqualTo(
        "| target | ceiling req/s | p50 ms | p99 ms (bound 50) | errors | sent late p99 ms | vs scg | vs floor | steps | above the ceiling |");
    assertThat(lines[4]).startsWith("| redis | 9,000 | ").contains(" | 2.25× | 0.45× | 1 | failed higher |");
    assertThat(lines[5]).isEqualTo("| cluster | – | – | – | – | – | – | – | 0 | nothing passed |");
  }

  private static Ceiling ceiling(double rate) {
    LoadResult result = new LoadResult("t", rate);
    result.latencyMicros.recordValue(1000);
    result.ok = 1;
    Step step = new Step(rate, Verdict.PASS, "", result);
    return new Ceiling(step, "failed higher", List.of(step));
  }
}
