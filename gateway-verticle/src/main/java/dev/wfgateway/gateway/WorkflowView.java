package dev.wfgateway.gateway;

import dev.wfgateway.common.Durations;
import dev.wfgateway.common.config.StepCondition;
import dev.wfgateway.common.config.StepDefinition;
import dev.wfgateway.common.config.StepInput;
import dev.wfgateway.common.config.WorkflowDefinition;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * A workflow as a tenant sees it ({@code GET /v1/workflows}): its version, timeout, input schema
 * and the shape of its steps. What a step calls (URL, address, headers, breaker) is left out: it is
 * the tenant's downstream plumbing and the operator's, not part of what a caller submits against.
 */
final class WorkflowView {
  private WorkflowView() {
  }

  static JsonObject of(WorkflowDefinition definition) {
    JsonObject view = new JsonObject().put("name", definition.name()).put("version", definition.version())
        .put("timeout", Durations.format(definition.timeout()));
    if (definition.inputSchema() != null) {
      view.put("inputSchema", definition.inputSchema().copy());
    }
    return view.put("steps", steps(definition.steps()));
  }

  private static JsonArray steps(Iterable<StepDefinition> steps) {
    JsonArray out = new JsonArray();
    steps.forEach(step -> out.add(step(step)));
    return out;
  }

  private static JsonObject step(StepDefinition step) {
    JsonObject view = new JsonObject().put("name", step.name()).put("kind", kind(step));
    if (step.parallel()) {
      view.put("branches", steps(step.branches()));
    }
    if (step.when() != null) {
      view.put("when", when(step.when()));
    }
    if (step.input() != null) {
      view.put("input", input(step.input()));
    }
    return view.put("compensated", step.compensate() != null);
  }

  private static String kind(StepDefinition step) {
    if (step.parallel()) {
      return "parallel";
    }
    return step.target().eventbus() != null ? "eventbus" : "http";
  }

  private static JsonObject when(StepCondition condition) {
    JsonObject view = new JsonObject().put("pointer", condition.pointer());
    return condition.exists() != null ? view.put("exists", condition.exists()) : view.put("equals", condition.equalTo());
  }

  private static JsonObject input(StepInput input) {
    JsonObject view = new JsonObject();
    input.fields().forEach((name, field) -> view.put(name, !field.hasDefault() ? field.pointer()
        : new JsonObject().put("pointer", field.pointer()).put("default", field.defaultValue())));
    return view;
  }
}
