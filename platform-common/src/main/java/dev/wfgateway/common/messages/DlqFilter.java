package dev.wfgateway.common.messages;

import io.vertx.core.json.JsonObject;

/**
 * Which DLQ entries a query, retry or delete touches. A null field matches everything; a null
 * tenant is allowed only for admin calls.
 */
public record DlqFilter(String tenant, String id, String workflow, String reason, String q) {

  public boolean matches(DlqEntry entry) {
    return (tenant == null || tenant.equals(entry.tenant()))
        && (id == null || id.equals(entry.id()))
        && (workflow == null || workflow.equals(entry.workflow()))
        && (reason == null || reason.equals(entry.reason().wire()))
        && (q == null || entry.toJson().encode().contains(q));
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject();
    put(json, "tenant", tenant);
    put(json, "id", id);
    put(json, "workflow", workflow);
    put(json, "reason", reason);
    put(json, "q", q);
    return json;
  }

  private static void put(JsonObject json, String k, String v) {
    if (v != null) {
      json.put(k, v);
    }
  }

  public static DlqFilter fromJson(JsonObject json) {
    return new DlqFilter(Messages.optionalString(json, "tenant"), Messages.optionalString(json, "id"),
        Messages.optionalString(json, "workflow"), Messages.optionalString(json, "reason"),
        Messages.optionalString(json, "q"));
  }
}
