package dev.wfgateway.workflow;

import dev.wfgateway.common.ProblemException;
import dev.wfgateway.common.ProblemType;
import dev.wfgateway.common.config.WorkflowDefinition;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.Draft;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.JsonSchemaOptions;
import io.vertx.json.schema.OutputFormat;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.Validator;
import java.util.HashMap;
import java.util.Map;

/** Checks run inputs against each workflow's JSON Schema (draft 2020-12), compiled once at start-up. */
final class InputValidator {
  private final Map<String, Validator> validators = new HashMap<>();

  InputValidator(Map<String, WorkflowDefinition> workflows) {
    JsonSchemaOptions options = new JsonSchemaOptions().setDraft(Draft.DRAFT202012)
        .setBaseUri("https://wfgateway.dev/schemas/").setOutputFormat(OutputFormat.Basic);
    workflows.forEach((name, definition) -> {
      if (definition.inputSchema() != null) {
        validators.put(name, Validator.create(JsonSchema.of(definition.inputSchema()), options));
      }
    });
  }

  /** Throws a 400 problem listing each failing JSON Pointer of the input. */
  void validate(String workflow, JsonObject input) {
    Validator validator = validators.get(workflow);
    if (validator == null) {
      return;
    }
    OutputUnit result = validator.validate(input);
    if (Boolean.TRUE.equals(result.getValid())) {
      return;
    }
    JsonArray errors = new JsonArray();
    if (result.getErrors() != null) {
      for (OutputUnit error : result.getErrors()) {
        errors.add(new JsonObject().put("pointer", "/input" + pointer(error.getInstanceLocation()))
            .put("message", error.getError()));
      }
    }
    throw new ProblemException(ProblemType.VALIDATION_FAILED
        .problem("The input does not match the workflow's schema").with("errors", errors));
  }

  /** The validator reports locations as URI fragments ({@code #/a/b}); problems carry plain pointers. */
  private static String pointer(String instanceLocation) {
    if (instanceLocation == null) {
      return "";
    }
    return instanceLocation.startsWith("#") ? instanceLocation.substring(1) : instanceLocation;
  }
}
