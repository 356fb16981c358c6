package dev.wfgateway.common.messages;

import dev.wfgateway.common.ProblemException;
import dev.wfgateway.common.ProblemType;

/**
 * Where the next page of a DLQ query starts: after entry {@code id}. Entries are ordered by id, and
 * across tenants (admin queries) by id then tenant, so an admin cursor also names the tenant
 * ({@code <id>@<tenant>}). Without a tenant, the cursor means "after this id in every tenant".
 */
public record DlqCursor(StreamId id, String tenant) {

  public static DlqCursor parse(String text) {
    if (text == null) {
      return null;
    }
    int at = text.indexOf('@');
    StreamId id = StreamId.parse(at < 0 ? text : text.substring(0, at));
    if (id == null || at == text.length() - 1) {
      throw new ProblemException(ProblemType.VALIDATION_FAILED.problem("cursor is not one this service handed out"));
    }
    return new DlqCursor(id, at < 0 ? null : text.substring(at + 1));
  }

  /** The id after which to read {@code ofTenant}'s entries for this page. */
  public StreamId after(String ofTenant) {
    return tenant == null || ofTenant.compareTo(tenant) <= 0 ? id : id.previous();
  }

  @Override
  public String toString() {
    return tenant == null ? id.toString() : id + "@" + tenant;
  }
}
