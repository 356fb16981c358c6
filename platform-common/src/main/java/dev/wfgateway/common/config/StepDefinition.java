package dev.wfgateway.common.config;

import java.util.List;

/**
 * One step of a workflow (DESIGN.md section 7b): a call ({@code target}) or a {@code parallel}
 * group of branches, which are steps of their own and never groups. {@code when}, {@code input} and
 * {@code compensate} are optional (null); a group has no target, retry or compensation of its own.
 */
public record StepDefinition(String name, StepTarget target, List<StepDefinition> branches, RetryPolicy retry,
    StepCondition when, StepInput input, StepTarget compensate) {

  public StepDefinition {
    branches = branches == null ? List.of() : List.copyOf(branches);
  }

  public static StepDefinition call(String name, StepTarget target, RetryPolicy retry) {
    return new StepDefinition(name, target, List.of(), retry, null, null, null);
  }

  public boolean parallel() {
    return target == null;
  }
}
