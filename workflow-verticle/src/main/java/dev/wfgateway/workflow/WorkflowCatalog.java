package dev.wfgateway.workflow;

import dev.wfgateway.common.ProblemException;
import dev.wfgateway.common.ProblemType;
import dev.wfgateway.common.config.PlatformConfig;
import dev.wfgateway.common.config.TenantConfig;
import dev.wfgateway.common.config.WorkflowDefinition;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.Map;

/**
 * The workflow definitions new runs use, and every version this node has run since it started. A
 * reload replaces the definitions and what each tenant may run at once; a run keeps the definition
 * it was admitted with to its end, and a run taken over is resumed on its recorded version when
 * this node knows it.
 */
final class WorkflowCatalog {
  private Map<String, TenantConfig> tenants;
  private Map<String, WorkflowDefinition> workflows;
  private InputValidator validator;
  private final Map<String, WorkflowDefinition> versions = new HashMap<>();

  WorkflowCatalog(PlatformConfig config) {
    use(config, new InputValidator(config.workflows()));
  }

  /** Takes the definitions of a reloaded configuration; throws, changing nothing, if a schema cannot be compiled. */
  void replace(PlatformConfig next) {
    use(next, new InputValidator(next.workflows()));
  }

  private void use(PlatformConfig config, InputValidator compiled) {
    tenants = config.tenants();
    workflows = config.workflows();
    validator = compiled;
    workflows.values().forEach(d -> versions.put(key(d.name(), d.version()), d));
  }

  /** The definition a new run of {@code workflow} uses; 404 when the tenant may not run it or it does not exist. */
  WorkflowDefinition definitionFor(String tenantName, String workflow) {
    TenantConfig tenant = tenants.get(tenantName);
    WorkflowDefinition definition = workflows.get(workflow);
    if (tenant == null || definition == null || !tenant.mayRun(workflow)) {
      throw new ProblemException(ProblemType.NOT_FOUND.problem("No workflow named '" + workflow + "'"));
    }
    return definition;
  }

  /** The given version of {@code workflow}, or null when this node has never had it. */
  WorkflowDefinition version(String workflow, String version) {
    return version == null ? null : versions.get(key(workflow, version));
  }

  void validate(WorkflowDefinition definition, JsonObject input) {
    validator.validate(definition.name(), input);
  }

  private static String key(String workflow, String version) {
    return workflow + "@" + version;
  }
}
