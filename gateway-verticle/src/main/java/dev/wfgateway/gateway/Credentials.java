package dev.wfgateway.gateway;

import dev.wfgateway.common.ProblemException;
import dev.wfgateway.common.ProblemType;
import dev.wfgateway.common.config.ApiKey;
import dev.wfgateway.common.config.PlatformConfig;
import dev.wfgateway.common.config.Sha256;
import dev.wfgateway.common.config.TenantConfig;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * Decides who a bearer token belongs to. Configuration holds only SHA-256 hashes: a presented
 * token is hashed and compared with every configured hash in constant time, so the answer takes
 * as long whichever key (if any) matches. Tenant keys never open admin routes and the admin token
 * never opens tenant routes.
 *
 * <p>{@link #reload} swaps the keys, revocations, expiries, the admin token and each tenant's
 * configuration (its workflow allow-list is what the gateway reads of it) in one assignment. The set
 * of tenants stays the one the gateway started with: a tenant that only a reload names is unknown.
 */
final class Credentials {
  /** The tenant a request acts for, and which of its keys it used (for logs, never the key). */
  record Caller(TenantConfig tenant, String keyId) {
  }

  private record TenantKey(byte[] sha256, Caller caller, Instant expiresAt, boolean revoked) {
  }

  private record KeyTable(List<TenantKey> tenantKeys, byte[] adminHash) {
  }

  private final Set<String> tenants;
  private final Clock clock;
  private KeyTable keys;

  Credentials(PlatformConfig config, Clock clock) {
    this.tenants = Set.copyOf(config.tenants().keySet());
    this.clock = clock;
    this.keys = table(config);
  }

  /** Takes the keys and tenant settings of {@code newer} for the tenants this gateway knows; runs on its event loop. */
  void reload(PlatformConfig newer) {
    keys = table(newer);
  }

  private KeyTable table(PlatformConfig config) {
    List<TenantKey> tenantKeys = new ArrayList<>();
    config.tenants().forEach((name, tenant) -> {
      if (!tenants.contains(name)) {
        return;
      }
      Set<String> revoked = tenant.revokedKeys();
      for (ApiKey key : tenant.keys()) {
        tenantKeys.add(new TenantKey(HexFormat.of().parseHex(key.sha256()), new Caller(tenant, key.id()),
            key.expiresAt(), revoked.contains(key.id())));
      }
    });
    byte[] admin = config.adminTokenSha256() == null ? null : HexFormat.of().parseHex(config.adminTokenSha256());
    return new KeyTable(List.copyOf(tenantKeys), admin);
  }

  Caller tenant(String authorization) {
    byte[] presented = Sha256.digest(bearer(authorization));
    TenantKey match = null;
    for (TenantKey key : keys.tenantKeys()) {
      if (MessageDigest.isEqual(presented, key.sha256())) {
        match = key;
      }
    }
    if (match == null) {
      throw unauthorized("Unknown API key");
    }
    if (match.revoked()) {
      throw unauthorized("This API key has been revoked");
    }
    if (match.expiresAt() != null && !clock.instant().isBefore(match.expiresAt())) {
      throw unauthorized("This API key has expired");
    }
    return match.caller();
  }

  void admin(String authorization) {
    byte[] presented = Sha256.digest(bearer(authorization));
    byte[] admin = keys.adminHash();
    if (admin == null || !MessageDigest.isEqual(presented, admin)) {
      throw unauthorized("Admin routes need the admin token");
    }
  }

  private static String bearer(String authorization) {
    if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)
        || authorization.length() == 7) {
      throw unauthorized("Send 'Authorization: Bearer <key>'");
    }
    return authorization.substring(7).trim();
  }

  private static ProblemException unauthorized(String detail) {
    return new ProblemException(ProblemType.UNAUTHORIZED.problem(detail));
  }
}
