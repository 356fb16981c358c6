package dev.wfgateway.launcher;

import dev.wfgateway.common.config.Sha256;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes a YAML configuration with real tenants (no demo content) for a test to start a node with. */
final class ConfiguredPlatform {
  static final String ACME_KEY = "acme-test-key";
  static final String GLOBEX_KEY = "globex-test-key";
  static final String ADMIN_TOKEN = "admin-test-token";

  private ConfiguredPlatform() {
  }

  /** Two tenants, acme and globex; {@code workflows} is the YAML of the workflows section, indented by 2. */
  static Path write(Path dir, String workflows) throws IOException {
    String yaml = String.join("\n",
        "admin: { tokenSha256: \"" + Sha256.hex(ADMIN_TOKEN) + "\" }",
        "runs: { idempotencyRetention: 1s }",
        "tenants:",
        "  acme:",
        "    keys: [ { id: a1, sha256: \"" + Sha256.hex(ACME_KEY) + "\" }, { id: a0, sha256: \""
            + Sha256.hex("acme-revoked-key") + "\" }, { id: ax, sha256: \"" + Sha256.hex("acme-expired-key")
            + "\", expiresAt: \"2020-01-01T00:00:00Z\" } ]",
        "    revokedKeys: [a0]",
        "    rateLimits:",
        "      submit: [ { name: burst, limit: 500, window: 1s } ]",
        "      read: [ { name: reads, limit: 500, window: 1s } ]",
        "  globex:",
        "    keys: [ { id: g1, sha256: \"" + Sha256.hex(GLOBEX_KEY) + "\" } ]",
        "    rateLimits:",
        "      submit: [ { name: burst, limit: 3, window: 10s }, { name: sustained, limit: 100, window: 15m } ]",
        "workflows:",
        workflows,
        "");
    Path file = dir.resolve("platform.yaml");
    Files.writeString(file, yaml);
    return file;
  }
}
