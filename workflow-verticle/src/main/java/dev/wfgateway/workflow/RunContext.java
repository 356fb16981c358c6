package dev.wfgateway.workflow;

import dev.wfgateway.common.config.WorkflowDefinition;
import dev.wfgateway.common.messages.SubmitRunRequest;

/**
 * Everything one run needs besides its record: the request that started it, the definition it
 * runs and the business key of its lock (null when the workflow takes no lock).
 */
record RunContext(SubmitRunRequest request, WorkflowDefinition definition, String lockKey, String traceparent) {
}
