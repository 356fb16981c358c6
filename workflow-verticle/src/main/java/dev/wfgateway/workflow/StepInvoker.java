package dev.wfgateway.workflow;

import dev.wfgateway.common.config.StepTarget;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/** Makes one call to a step's (or a compensation's) target and answers its JSON output, or fails with a {@link StepFailure}. */
interface StepInvoker {
  Future<JsonObject> invoke(StepTarget target, StepCall call);
}
