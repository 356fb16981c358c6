package dev.wfgateway.common.config;

import java.util.List;
import java.util.Map;
import java.util.Set;

/** A tenant; {@code workflows} null means every workflow is allowed. */
public record TenantConfig(String name, List<ApiKey> keys, Set<String> revokedKeys,
    Map<String, List<RatePolicy>> rateLimits, BulkheadConfig bulkhead, Set<String> workflows) {

  public boolean mayRun(String workflow) {
    return workflows == null || workflows.contains(workflow);
  }

  /** The route's policies, falling back to the tenant-wide defaults for routes the tenant did not set. */
  public List<RatePolicy> policiesFor(String route) {
    return rateLimits.getOrDefault(route, List.of());
  }
}
