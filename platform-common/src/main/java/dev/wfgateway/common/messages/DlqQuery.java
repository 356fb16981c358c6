package dev.wfgateway.common.messages;

import dev.wfgateway.common.ProblemException;
import dev.wfgateway.common.ProblemType;
import dev.wfgateway.common.config.PlatformConfig;
import dev.wfgateway.common.service.RecordCodec;
import io.vertx.core.json.JsonObject;
import java.util.regex.Pattern;

/**
 * Body of {@code platform.dlq.query}, {@code retry}, {@code delete} and {@code stats}, validated:
 * which entries, and for queries how many from where.
 */
public record DlqQuery(DlqFilter filter, int limit, DlqCursor cursor) {
  public static final RecordCodec<DlqQuery> CODEC =
      new RecordCodec<>(DlqQuery.class, DlqQuery::toJson, DlqQuery::fromJson);
  public static final int DEFAULT_LIMIT = 50;
  public static final int MAX_LIMIT = 500;
  /** Tenant names as configuration allows them; they also name journal files, so nothing else gets in. */
  private static final Pattern TENANT = PlatformConfig.NAME;

  public JsonObject toJson() {
    JsonObject json = filter.toJson().put("limit", limit);
    return cursor == null ? json : json.put("cursor", cursor.toString());
  }

  public static DlqQuery fromJson(JsonObject json) {
    DlqFilter filter = DlqFilter.fromJson(json);
    if (filter.tenant() != null) {
      requireTenantName(filter.tenant());
    }
    if (filter.reason() != null) {
      try {
        DlqReason.fromWire(filter.reason());
      } catch (IllegalArgumentException e) {
        throw invalid("reason must be one of step_failed, timeout, circuit_open, lock_lost, rejected");
      }
    }
    Object limit = json.getValue("limit", DEFAULT_LIMIT);
    if (!(limit instanceof Number n) || n.doubleValue() != n.longValue() || n.longValue() < 1
        || n.longValue() > MAX_LIMIT) {
      throw invalid("limit must be an integer from 1 to " + MAX_LIMIT);
    }
    Object cursor = json.getValue("cursor");
    if (cursor != null && !(cursor instanceof String)) {
      throw invalid("cursor must be a string");
    }
    return new DlqQuery(filter, n.intValue(), DlqCursor.parse((String) cursor));
  }

  public static void requireTenantName(String tenant) {
    if (!TENANT.matcher(tenant).matches()) {
      throw invalid("tenant names use letters, digits, '.', '_' and '-' (at most 64)");
    }
  }

  private static ProblemException invalid(String detail) {
    return new ProblemException(ProblemType.VALIDATION_FAILED.problem(detail));
  }
}
