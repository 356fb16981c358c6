package dev.wfgateway.common.config;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * What relates the steps of one workflow to each other: names are unique (branches of parallel
 * groups included), and every {@code /steps/<name>} that a {@code when} or an {@code input} reads
 * names a call that has ended before the step starts: not a later step, not the step itself, not
 * a sibling branch (branches run together), not a group (its outputs are under its branches' names).
 */
final class DefinitionChecks {
  private final ConfigReader r;
  private final List<StepDefinition> steps;

  DefinitionChecks(ConfigReader r, List<StepDefinition> steps) {
    this.r = r;
    this.steps = steps;
  }

  void check(String p) {
    checkNames(p);
    checkPointers(p);
  }

  private void checkNames(String p) {
    Set<String> seen = new HashSet<>();
    for (StepDefinition step : steps) {
      for (StepDefinition named : withBranches(step)) {
        if (named.name() != null && !seen.add(named.name())) {
          r.problem(p, "duplicate step name '" + named.name() + "' (branches of parallel groups included)");
        }
      }
    }
  }

  private static List<StepDefinition> withBranches(StepDefinition step) {
    return step.parallel() ? Stream.concat(Stream.of(step),
        step.branches().stream()).toList() : List.of(step);
  }

  /** Every {@code /steps/<name>} a step reads must name a call that has ended before the step starts. */
  private void checkPointers(String p) {
    Set<String> ended = new HashSet<>();
    for (int i = 0; i < steps.size(); i++) {
      StepDefinition step = steps.get(i);
      String sp = p + "[" + i + "]";
      checkReads(step, sp, ended, Set.of());
      for (int b = 0; b < step.branches().size(); b++) {
        StepDefinition branch = step.branches().get(b);
        Set<String> siblings = new HashSet<>();
        step.branches().forEach(other -> siblings.add(other.name()));
        siblings.remove(branch.name());
        checkReads(branch, sp + ".parallel[" + b + "]", ended, siblings);
      }
      if (step.parallel()) {
        step.branches().forEach(branch -> ended.add(branch.name()));
      } else {
        ended.add(step.name());
      }
    }
  }

  private void checkReads(StepDefinition step, String p, Set<String> ended, Set<String> siblings) {
    if (step.when() != null) {
      checkRead(step.when().pointer(), p + ".when.pointer", step, ended, siblings);
    }
    if (step.input() != null) {
      step.input().fields().forEach((field, value) ->
          checkRead(value.pointer(), p + ".input." + field, step, ended, siblings));
    }
  }

  private void checkRead(String pointer, String p, StepDefinition step, Set<String> ended, Set<String> siblings) {
    List<String> tokens = JsonPointers.tokens(pointer);
    if (tokens == null || tokens.size() < 2 || !"steps".equals(tokens.get(0)) || ended.contains(tokens.get(1))) {
      return;
    }
    String read = tokens.get(1);
    boolean group = steps.stream().anyMatch(s -> s.parallel() && read.equals(s.name()));
    boolean known = steps.stream().flatMap(s -> withBranches(s).stream()).anyMatch(s -> read.equals(s.name()));
    if (siblings.contains(read)) {
      r.problem(p, "'" + pointer + "' reads branch '" + read + "' of the same parallel group: branches run together");
    } else if (read.equals(step.name())) {
      r.problem(p, "'" + pointer + "' reads the step's own output, which does not exist before it runs");
    } else if (group) {
      r.problem(p, "'" + pointer + "' names the parallel group '" + read + "': point at one of its branches");
    } else if (known) {
      r.problem(p, "'" + pointer + "' reads step '" + read + "', which comes later and has not run yet");
    } else {
      r.problem(p, "'" + pointer + "' reads step '" + read + "', which this workflow does not have");
    }
  }

}
