package dev.wfgateway.workflow;

import dev.wfgateway.common.config.StepDefinition;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/** Makes one attempt of a step and answers its JSON output, or fails with a {@link StepFailure}. */
interface StepInvoker {
  Future<JsonObject> invoke(StepDefinition step, StepCall call);
}
