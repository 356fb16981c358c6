package dev.wfgateway.gateway;

import dev.wfgateway.common.ProblemException;
import dev.wfgateway.common.ProblemType;
import dev.wfgateway.common.config.ApiKey;
import dev.wfgateway.common.config.PlatformConfig;
import dev.wfgateway.common.config.Sha256;
import dev.wfgateway.common.config.TenantConfig;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;

/**
 * Decides who a bearer token belongs to. Configuration holds only SHA-256 hashes: a presented
 * token is hashed and compared in constant time. Tenant keys never open admin routes and the admin
 * token never opens tenant routes.
 */
final class Credentials {
  /** The tenant a request acts for, and which of its keys it used (for logs, never the key). */
  record Caller(TenantConfig tenant, String keyId) {
  }

  private final Map<String, Caller> byHash = new HashMap<>();
  private final byte[] adminHash;
  private final Map<String, ApiKey> keysByHash = new HashMap<>();
  private final Clock clock;

  Credentials(PlatformConfig config, Clock clock) {
    this.clock = clock;
    this.adminHash = config.adminTokenSha256() == null ? null : HexFormat.of().parseHex(config.adminTokenSha256());
    config.tenants().values().forEach(tenant -> tenant.keys().forEach(key -> {
      byHash.put(key.sha256(), new Caller(tenant, key.id()));
      keysByHash.put(key.sha256(), key);
    }));
  }

  Caller tenant(String authorization) {
    String hash = HexFormat.of().formatHex(Sha256.digest(bearer(authorization)));
    Caller caller = byHash.get(hash);
    ApiKey key = keysByHash.get(hash);
    if (caller == null || !MessageDigest.isEqual(hash.getBytes(StandardCharsets.US_ASCII),
        key.sha256().getBytes(StandardCharsets.US_ASCII))) {
      throw unauthorized("Unknown API key");
    }
    if (caller.tenant().revokedKeys().contains(key.id())) {
      throw unauthorized("This API key has been revoked");
    }
    if (key.expiresAt() != null && !clock.instant().isBefore(key.expiresAt())) {
      throw unauthorized("This API key has expired");
    }
    return caller;
  }

  void admin(String authorization) {
    byte[] presented = Sha256.digest(bearer(authorization));
    if (adminHash == null || !MessageDigest.isEqual(presented, adminHash)) {
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
