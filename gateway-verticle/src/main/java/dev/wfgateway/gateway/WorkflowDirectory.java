package dev.wfgateway.gateway;

import dev.wfgateway.common.ProblemException;
import dev.wfgateway.common.ProblemType;
import dev.wfgateway.common.config.PlatformConfig;
import dev.wfgateway.common.config.TenantConfig;
import dev.wfgateway.common.config.WorkflowDefinition;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The workflow definitions the gateway answers for: which a tenant may submit and see. A reload
 * swaps them in one assignment on the gateway's event loop, together with the tenants' allow-lists
 * that {@link Credentials#reload} takes, so a request sees either the old set or the new one.
 */
final class WorkflowDirectory {
  private Map<String, WorkflowDefinition> workflows;

  WorkflowDirectory(PlatformConfig config) {
    workflows = config.workflows();
  }

  void reload(PlatformConfig newer) {
    workflows = newer.workflows();
  }

  /** The definition {@code tenant} may run under {@code name}; a 404 when there is none or the tenant may not. */
  WorkflowDefinition runnable(TenantConfig tenant, String name) {
    WorkflowDefinition definition = workflows.get(name);
    if (definition == null || !tenant.mayRun(name)) {
      throw new ProblemException(ProblemType.NOT_FOUND.problem("No workflow named '" + name + "'"));
    }
    return definition;
  }

  /** Every definition {@code tenant} may run, by name. */
  List<WorkflowDefinition> runnableBy(TenantConfig tenant) {
    return workflows.values().stream().filter(d -> tenant.mayRun(d.name()))
        .sorted(Comparator.comparing(WorkflowDefinition::name)).toList();
  }
}
