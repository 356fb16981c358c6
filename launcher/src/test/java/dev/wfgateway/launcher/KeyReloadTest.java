package dev.wfgateway.launcher;

import static dev.wfgateway.launcher.ProblemAssert.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import dev.wfgateway.common.config.Sha256;
import dev.wfgateway.testkit.Eventually;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.CopyOptions;
import io.vertx.core.file.FileSystem;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keys, revocations, expiries and the admin token reloaded from the configuration file while the
 * node runs, the way {@code Main} watches it (a short interval here).
 */
@ExtendWith(VertxExtension.class)
class KeyReloadTest {
  private static final Duration INTERVAL = Duration.ofMillis(100);
  private static final Duration APPLIED_WITHIN = Duration.ofSeconds(5);
  private static final String NEW_GLOBEX_KEY = "globex-second-key";
  private static final String NEW_ADMIN_TOKEN = "rotated-admin-token";

  @TempDir
  static Path dir;
  private static EdgePlatform edge;
  private static String original;
  private static LauncherLog log;

  @BeforeAll
  static void start() throws Exception {
    edge = new EdgePlatform(dir);
    original = Files.readString(edge.configFile);
    // The environment RunningPlatform starts the node with, so the re-read configuration equals the running one.
    Map<String, String> env = Map.of("HTTP_PORT", "0", "DLQ_JOURNAL_DIR", dir.resolve("dlq").toString(),
        "RUNS_JOURNAL_DIR", dir.resolve("runs").toString());
    edge.node.platform.reloadOnChange(edge.configFile.toString(), env, INTERVAL, UnaryOperator.identity());
    log = LauncherLog.capture();
  }

  @AfterAll
  static void stop() throws Exception {
    log.close();
    edge.close();
  }

  @BeforeEach
  void backToTheOriginalKeys(VertxTestContext context) {
    replaceConfig(original)
        .compose(replaced -> awaitStatus("acme's key works again", ConfiguredPlatform.ACME_KEY, "/v1/dlq", 200))
        .onComplete(context.succeeding(v -> {
          log.clear();
          context.completeNow();
        }));
  }

  /** Replaces the file the way an operator should: write beside it, then rename over it. */
  private static Future<Void> replaceConfig(String yaml) {
    FileSystem files = edge.node.vertx.fileSystem();
    String next = dir.resolve("platform.yaml.next").toString();
    return files.writeFile(next, Buffer.buffer(yaml)).compose(written -> files.move(next,
        edge.configFile.toString(), new CopyOptions().setReplaceExisting(true).setAtomicMove(true)));
  }

  private static String replaced(String target, String replacement) {
    assertThat(original).contains(target);
    return original.replace(target, replacement);
  }

  private static Future<HttpResponse<Buffer>> get(String credential, String path) {
    return edge.as(credential, HttpMethod.GET, path).send();
  }

  /** Until {@code GET path} with {@code credential} answers {@code status}; that answer. */
  private static Future<HttpResponse<Buffer>> awaitStatus(String what, String credential, String path, int status) {
    return Eventually.until(edge.node.vertx, what, APPLIED_WITHIN, () -> get(credential, path),
        response -> response.statusCode() == status);
  }

  /** Until the launcher has logged a warning that contains each of {@code parts}. */
  private static Future<String> awaitWarning(String what, String... parts) {
    return Eventually.until(edge.node.vertx, what, APPLIED_WITHIN,
        () -> Future.succeededFuture(log.find(parts)), Objects::nonNull);
  }

  /** Then asks {@code GET path} with {@code credential} once, and completes the test if it answers {@code status}. */
  private static <T> Handler<AsyncResult<T>> thenAnswers(VertxTestContext context, String credential, String path,
      int status) {
    return context.succeeding(previous -> get(credential, path).onComplete(context.succeeding(response ->
        context.verify(() -> {
          assertThat(response.statusCode()).as("%s with %s", path, credential).isEqualTo(status);
          context.completeNow();
        }))));
  }

  @Test
  void aKeyRevokedInTheFileIsRefusedAfterTheReload(VertxTestContext context) {
    replaceConfig(replaced("revokedKeys: [a0]", "revokedKeys: [a0, a1]"))
        .compose(replaced -> awaitStatus("acme's key refused", ConfiguredPlatform.ACME_KEY, "/v1/dlq", 401))
        .onSuccess(refused -> context.verify(() -> assertThat(assertProblem(refused, 401, "unauthorized")
            .getString("detail")).contains("revoked")))
        .onComplete(thenAnswers(context, ConfiguredPlatform.GLOBEX_KEY, "/v1/dlq", 200));
  }

  @Test
  void aKeyAddedToTheFileIsAcceptedAndAnExpiryTakesEffect(VertxTestContext context) {
    String g1 = "{ id: g1, sha256: \"" + Sha256.hex(ConfiguredPlatform.GLOBEX_KEY) + "\" }";
    String withG2 = replaced(g1, "{ id: g1, sha256: \"" + Sha256.hex(ConfiguredPlatform.GLOBEX_KEY)
        + "\", expiresAt: \"2021-01-01T00:00:00Z\" }, { id: g2, sha256: \"" + Sha256.hex(NEW_GLOBEX_KEY) + "\" }");
    get(NEW_GLOBEX_KEY, "/v1/dlq")
        .compose(before -> {
          context.verify(() -> assertThat(before.statusCode()).as("the new key before the reload").isEqualTo(401));
          return replaceConfig(withG2);
        })
        .compose(replaced -> awaitStatus("the new key accepted", NEW_GLOBEX_KEY, "/v1/dlq", 200))
        .onComplete(thenAnswers(context, ConfiguredPlatform.GLOBEX_KEY, "/v1/dlq", 401));
  }

  @Test
  void theAdminTokenCanBeRotated(VertxTestContext context) {
    replaceConfig(replaced(Sha256.hex(ConfiguredPlatform.ADMIN_TOKEN), Sha256.hex(NEW_ADMIN_TOKEN)))
        .compose(replaced -> awaitStatus("the new admin token accepted", NEW_ADMIN_TOKEN, "/admin/cluster", 200))
        .compose(accepted -> Future.all(get(ConfiguredPlatform.ADMIN_TOKEN, "/admin/cluster"),
            get(NEW_ADMIN_TOKEN, "/v1/dlq")))
        .onComplete(context.succeeding(answers -> context.verify(() -> {
          assertThat(answers.<HttpResponse<Buffer>>resultAt(0).statusCode()).as("the old token").isEqualTo(401);
          assertThat(answers.<HttpResponse<Buffer>>resultAt(1).statusCode()).as("the admin token on a tenant route")
              .isEqualTo(401);
          context.completeNow();
        })));
  }

  @Test
  void anInvalidFileIsIgnoredAndTheRunningKeysStay(VertxTestContext context) {
    replaceConfig(replaced("revokedKeys: [a0]", "revokedKeys: [a0, a1]\n    bulkhead: { maxConcurrent: -1 }"))
        .compose(replaced -> awaitWarning("the invalid configuration logged", "reload ignored", "bulkhead"))
        .onComplete(thenAnswers(context, ConfiguredPlatform.ACME_KEY, "/v1/dlq", 200));
  }

  @Test
  void aFileWithAnUnknownKeyIsRefusedWhole(VertxTestContext context) {
    replaceConfig(replaced("revokedKeys: [a0]", "revokedKeys: [a0, a1]\n    bulkhed: { maxConcurrent: 1 }"))
        .compose(replaced -> awaitWarning("the unknown key logged", "reload ignored",
            "tenants.acme.bulkhed: unknown key"))
        .onComplete(thenAnswers(context, ConfiguredPlatform.ACME_KEY, "/v1/dlq", 200));
  }

  @Test
  void aFileThatIsNotYamlIsIgnoredAndTheRunningKeysStay(VertxTestContext context) {
    replaceConfig("tenants: [ {{ not yaml")
        .compose(replaced -> awaitWarning("the unreadable file logged", "reload skipped"))
        .onComplete(thenAnswers(context, ConfiguredPlatform.ACME_KEY, "/v1/dlq", 200));
  }

  @Test
  void addingATenantNeedsARestart(VertxTestContext context) {
    replaceConfig(replaced("  globex:", "  initech:\n    keys: [ { id: i1, sha256: \"" + Sha256.hex("initech-key")
        + "\" } ]\n  globex:"))
        .compose(replaced -> awaitWarning("the refused reload logged", "needs a restart"))
        .onComplete(thenAnswers(context, "initech-key", "/v1/dlq", 401));
  }
}
