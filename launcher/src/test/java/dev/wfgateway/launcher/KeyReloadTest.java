package dev.wfgateway.launcher;

import static dev.wfgateway.launcher.ProblemAssert.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import dev.wfgateway.common.config.Sha256;
import dev.wfgateway.testkit.Await;
import io.vertx.core.http.HttpMethod;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keys, revocations, expiries and the admin token reloaded from the configuration file while the
 * node runs, the way {@code Main} watches it (a short interval here).
 */
class KeyReloadTest {
  private static final Duration INTERVAL = Duration.ofMillis(100);
  private static final Duration APPLIED_WITHIN = Duration.ofSeconds(5);
  private static final String NEW_GLOBEX_KEY = "globex-second-key";
  private static final String NEW_ADMIN_TOKEN = "rotated-admin-token";
  private static final Logger LAUNCHER_LOG = Logger.getLogger("dev.wfgateway.launcher");

  @TempDir
  static Path dir;
  private static EdgePlatform edge;
  private static String original;
  private static final List<String> warnings = new CopyOnWriteArrayList<>();
  private static final Handler WARNINGS = new Handler() {
    @Override
    public void publish(LogRecord record) {
      warnings.add(record.getMessage());
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
    }
  };

  @BeforeAll
  static void start() throws Exception {
    edge = new EdgePlatform(dir);
    original = Files.readString(edge.configFile);
    // The environment RunningPlatform starts the node with, so the re-read configuration equals the running one.
    Map<String, String> env = Map.of("HTTP_PORT", "0", "DLQ_JOURNAL_DIR", dir.resolve("dlq").toString(),
        "RUNS_JOURNAL_DIR", dir.resolve("runs").toString());
    edge.node.platform.reloadOnChange(edge.configFile.toString(), env, INTERVAL, UnaryOperator.identity());
    LAUNCHER_LOG.addHandler(WARNINGS);
  }

  @AfterAll
  static void stop() throws Exception {
    LAUNCHER_LOG.removeHandler(WARNINGS);
    edge.close();
  }

  @BeforeEach
  void backToTheOriginalKeys() throws IOException {
    replaceConfig(original);
    awaitStatus("acme's key works again", ConfiguredPlatform.ACME_KEY, "/v1/dlq", 200);
    warnings.clear();
  }

  /** Replaces the file the way an operator should: write beside it, then rename over it. */
  private static void replaceConfig(String yaml) throws IOException {
    Path next = dir.resolve("platform.yaml.next");
    Files.writeString(next, yaml);
    Files.move(next, edge.configFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private static String replaced(String target, String replacement) {
    assertThat(original).contains(target);
    return original.replace(target, replacement);
  }

  private static int status(String credential, String path) {
    return edge.send(edge.as(credential, HttpMethod.GET, path)).statusCode();
  }

  private static void awaitStatus(String what, String credential, String path, int status) {
    Await.until(what, APPLIED_WITHIN, () -> status(credential, path) == status);
  }

  @Test
  void aKeyRevokedInTheFileIsRefusedAfterTheReload() throws IOException {
    replaceConfig(replaced("revokedKeys: [a0]", "revokedKeys: [a0, a1]"));

    awaitStatus("acme's key refused", ConfiguredPlatform.ACME_KEY, "/v1/dlq", 401);
    assertThat(assertProblem(edge.send(edge.as(ConfiguredPlatform.ACME_KEY, HttpMethod.GET, "/v1/dlq")), 401,
        "unauthorized").getString("detail")).contains("revoked");
    assertThat(status(ConfiguredPlatform.GLOBEX_KEY, "/v1/dlq")).isEqualTo(200);
  }

  @Test
  void aKeyAddedToTheFileIsAcceptedAndAnExpiryTakesEffect() throws IOException {
    assertThat(status(NEW_GLOBEX_KEY, "/v1/dlq")).isEqualTo(401);
    String g1 = "{ id: g1, sha256: \"" + Sha256.hex(ConfiguredPlatform.GLOBEX_KEY) + "\" }";
    replaceConfig(replaced(g1, "{ id: g1, sha256: \"" + Sha256.hex(ConfiguredPlatform.GLOBEX_KEY)
        + "\", expiresAt: \"2021-01-01T00:00:00Z\" }, { id: g2, sha256: \"" + Sha256.hex(NEW_GLOBEX_KEY) + "\" }"));

    awaitStatus("the new key accepted", NEW_GLOBEX_KEY, "/v1/dlq", 200);
    assertThat(status(ConfiguredPlatform.GLOBEX_KEY, "/v1/dlq")).isEqualTo(401);
  }

  @Test
  void theAdminTokenCanBeRotated() throws IOException {
    replaceConfig(replaced(Sha256.hex(ConfiguredPlatform.ADMIN_TOKEN), Sha256.hex(NEW_ADMIN_TOKEN)));

    awaitStatus("the new admin token accepted", NEW_ADMIN_TOKEN, "/admin/cluster", 200);
    assertThat(status(ConfiguredPlatform.ADMIN_TOKEN, "/admin/cluster")).isEqualTo(401);
    assertThat(status(NEW_ADMIN_TOKEN, "/v1/dlq")).isEqualTo(401);
  }

  @Test
  void anInvalidFileIsIgnoredAndTheRunningKeysStay() throws IOException {
    replaceConfig(replaced("revokedKeys: [a0]", "revokedKeys: [a0, a1]\n    bulkhead: { maxConcurrent: -1 }"));

    Await.until("the invalid configuration logged", APPLIED_WITHIN,
        () -> warnings.stream().anyMatch(w -> w.contains("reload ignored") && w.contains("bulkhead")));
    assertThat(status(ConfiguredPlatform.ACME_KEY, "/v1/dlq")).isEqualTo(200);
  }

  @Test
  void aFileWithAnUnknownKeyIsRefusedWhole() throws IOException {
    replaceConfig(replaced("revokedKeys: [a0]", "revokedKeys: [a0, a1]\n    bulkhed: { maxConcurrent: 1 }"));

    Await.until("the unknown key logged", APPLIED_WITHIN,
        () -> warnings.stream().anyMatch(w -> w.contains("reload ignored") && w.contains("tenants.acme.bulkhed: unknown key")));
    assertThat(status(ConfiguredPlatform.ACME_KEY, "/v1/dlq")).isEqualTo(200);
  }

  @Test
  void aFileThatIsNotYamlIsIgnoredAndTheRunningKeysStay() throws IOException {
    replaceConfig("tenants: [ {{ not yaml");

    Await.until("the unreadable file logged", APPLIED_WITHIN,
        () -> warnings.stream().anyMatch(w -> w.contains("reload skipped")));
    assertThat(status(ConfiguredPlatform.ACME_KEY, "/v1/dlq")).isEqualTo(200);
  }

  @Test
  void addingATenantNeedsARestart() throws IOException {
    replaceConfig(replaced("  globex:", "  initech:\n    keys: [ { id: i1, sha256: \"" + Sha256.hex("initech-key")
        + "\" } ]\n  globex:"));

    Await.until("the refused reload logged", APPLIED_WITHIN,
        () -> warnings.stream().anyMatch(w -> w.contains("needs a restart")));
    assertThat(status("initech-key", "/v1/dlq")).isEqualTo(401);
  }
}
