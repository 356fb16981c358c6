package dev.wfgateway.gateway;

import static dev.wfgateway.gateway.GatewayFixtures.refusal;
import static org.assertj.core.api.Assertions.assertThat;

import dev.wfgateway.common.Problem;
import dev.wfgateway.common.ProblemType;
import dev.wfgateway.common.config.PlatformConfig;
import dev.wfgateway.common.config.Sha256;
import dev.wfgateway.gateway.GatewayFixtures.MutableClock;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Who a bearer token belongs to, decided on an injected clock: keys, expiries, revocations, rotation, reloads. */
class CredentialsTest {
  private static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");
  private static final Instant ROTATION_ENDS = NOW.plus(Duration.ofDays(7));
  private static final String ACME_OLD = "acme-old-secret";
  private static final String ACME_NEW = "acme-new-secret";
  private static final String ACME_REVOKED = "acme-revoked-secret";
  private static final String GLOBEX = "globex-secret";
  private static final String ADMIN = "admin-secret";
  private static final String MALFORMED = "Send 'Authorization: Bearer <key>'";

  private final MutableClock clock = new MutableClock(NOW);

  private static JsonObject key(String id, String secret) {
    return new JsonObject().put("id", id).put("sha256", Sha256.hex(secret));
  }

  /** acme rotates from old (expiring) to new and has revoked one key; globex has one key. */
  private static JsonObject platform() {
    JsonObject acme = new JsonObject()
        .put("keys", new JsonArray()
            .add(key("old", ACME_OLD).put("expiresAt", ROTATION_ENDS.toString()))
            .add(key("new", ACME_NEW))
            .add(key("leaked", ACME_REVOKED)))
        .put("revokedKeys", new JsonArray().add("leaked"));
    JsonObject globex = new JsonObject().put("keys", new JsonArray().add(key("main", GLOBEX)));
    return new JsonObject()
        .put("admin", new JsonObject().put("tokenSha256", Sha256.hex(ADMIN)))
        .put("tenants", new JsonObject().put("acme", acme).put("globex", globex));
  }

  private Credentials credentials(JsonObject platform) {
    return new Credentials(PlatformConfig.fromJson(platform), clock);
  }

  private static void assertUnauthorized(Problem problem, String detail) {
    assertThat(problem.type()).isEqualTo(ProblemType.UNAUTHORIZED);
    assertThat(problem.status()).isEqualTo(401);
    assertThat(problem.detail()).isEqualTo(detail);
  }

  @Test
  void eachKeyOpensItsOwnTenantAndNamesWhichKeyWasUsed() {
    Credentials credentials = credentials(platform());

    Credentials.Caller acme = credentials.tenant("Bearer " + ACME_NEW);
    Credentials.Caller globex = credentials.tenant("Bearer " + GLOBEX);

    assertThat(acme.tenant().name()).isEqualTo("acme");
    assertThat(acme.keyId()).isEqualTo("new");
    assertThat(globex.tenant().name()).isEqualTo("globex");
    assertThat(globex.keyId()).isEqualTo("main");
  }

  @Test
  void theSchemeIsCaseInsensitiveAndTheKeyIsTrimmed() {
    Credentials credentials = credentials(platform());

    assertThat(credentials.tenant("bearer " + GLOBEX).tenant().name()).isEqualTo("globex");
    assertThat(credentials.tenant("BEARER " + GLOBEX).tenant().name()).isEqualTo("globex");
    assertThat(credentials.tenant("Bearer  " + GLOBEX + " ").tenant().name()).isEqualTo("globex");
  }

  @Test
  void aKeyNobodyConfiguredIsUnknown() {
    Credentials credentials = credentials(platform());

    assertUnauthorized(refusal(() -> credentials.tenant("Bearer not-a-key")), "Unknown API key");
    // one character off, at either end: the whole hash is compared, not a prefix
    assertUnauthorized(refusal(() -> credentials.tenant("Bearer " + GLOBEX + "x")), "Unknown API key");
    assertUnauthorized(refusal(() -> credentials.tenant("Bearer x" + GLOBEX.substring(1))), "Unknown API key");
    // the hash itself is not the key
    assertUnauthorized(refusal(() -> credentials.tenant("Bearer " + Sha256.hex(GLOBEX))), "Unknown API key");
  }

  @Test
  void anAuthorizationThatIsNotABearerTokenIsRefusedAsSuch() {
    Credentials credentials = credentials(platform());

    for (String authorization : new String[] {null, "", "Bearer", "Bearer ", "Basic " + GLOBEX, GLOBEX,
        "Bearer" + GLOBEX}) {
      assertUnauthorized(refusal(() -> credentials.tenant(authorization)), MALFORMED);
      assertUnauthorized(refusal(() -> credentials.admin(authorization)), MALFORMED);
    }
  }

  @Test
  void aKeyIsValidUpToItsExpiryInstantExcluded() {
    Credentials credentials = credentials(platform());

    clock.set(ROTATION_ENDS.minusMillis(1));
    assertThat(credentials.tenant("Bearer " + ACME_OLD).keyId()).isEqualTo("old");

    clock.set(ROTATION_ENDS);
    assertUnauthorized(refusal(() -> credentials.tenant("Bearer " + ACME_OLD)), "This API key has expired");

    clock.set(ROTATION_ENDS.plus(Duration.ofDays(365)));
    assertUnauthorized(refusal(() -> credentials.tenant("Bearer " + ACME_OLD)), "This API key has expired");
  }

  @Test
  void duringARotationBothKeysOpenTheTenantAndAfterItOnlyTheNewOne() {
    Credentials credentials = credentials(platform());

    assertThat(credentials.tenant("Bearer " + ACME_OLD).tenant().name()).isEqualTo("acme");
    assertThat(credentials.tenant("Bearer " + ACME_NEW).tenant().name()).isEqualTo("acme");

    clock.advance(Duration.ofDays(7));
    assertUnauthorized(refusal(() -> credentials.tenant("Bearer " + ACME_OLD)), "This API key has expired");
    assertThat(credentials.tenant("Bearer " + ACME_NEW).keyId()).isEqualTo("new");
  }

  @Test
  void aKeyWithoutExpiryNeverExpires() {
    Credentials credentials = credentials(platform());

    clock.set(Instant.parse("2999-12-31T23:59:59Z"));

    assertThat(credentials.tenant("Bearer " + GLOBEX).keyId()).isEqualTo("main");
  }

  @Test
  void aRevokedKeyIsRefusedWhileTheTenantsOtherKeysStayValid() {
    Credentials credentials = credentials(platform());

    assertUnauthorized(refusal(() -> credentials.tenant("Bearer " + ACME_REVOKED)), "This API key has been revoked");
    assertThat(credentials.tenant("Bearer " + ACME_NEW).keyId()).isEqualTo("new");
  }

  @Test
  void theAdminTokenOpensAdminRoutesOnlyAndTenantKeysNeverDo() {
    Credentials credentials = credentials(platform());

    credentials.admin("Bearer " + ADMIN);
    credentials.admin("bearer " + ADMIN);
    assertUnauthorized(refusal(() -> credentials.admin("Bearer " + ACME_NEW)), "Admin routes need the admin token");
    assertUnauthorized(refusal(() -> credentials.admin("Bearer " + ADMIN + "x")), "Admin routes need the admin token");
    assertUnauthorized(refusal(() -> credentials.tenant("Bearer " + ADMIN)), "Unknown API key");
  }

  @Test
  void withoutAnAdminTokenConfiguredNoTokenOpensAdminRoutes() {
    JsonObject platform = platform();
    platform.remove("admin");
    Credentials credentials = credentials(platform);

    assertUnauthorized(refusal(() -> credentials.admin("Bearer " + ADMIN)), "Admin routes need the admin token");
    assertUnauthorized(refusal(() -> credentials.admin("Bearer " + GLOBEX)), "Admin routes need the admin token");
  }

  @Test
  void aReloadSwapsKeysRevocationsExpiriesAndTheAdminToken() {
    Credentials credentials = credentials(platform());
    JsonObject newer = platform();
    newer.put("admin", new JsonObject().put("tokenSha256", Sha256.hex("rotated-admin")));
    JsonObject acme = newer.getJsonObject("tenants").getJsonObject("acme");
    acme.put("keys", acme.getJsonArray("keys").add(key("third", "acme-third-secret")));
    acme.put("revokedKeys", new JsonArray().add("new"));
    newer.getJsonObject("tenants").getJsonObject("globex").getJsonArray("keys").getJsonObject(0)
        .put("expiresAt", NOW.toString());

    credentials.reload(PlatformConfig.fromJson(newer));

    assertThat(credentials.tenant("Bearer acme-third-secret").keyId()).isEqualTo("third");
    assertUnauthorized(refusal(() -> credentials.tenant("Bearer " + ACME_NEW)), "This API key has been revoked");
    assertThat(credentials.tenant("Bearer " + ACME_REVOKED).keyId()).isEqualTo("leaked");
    assertUnauthorized(refusal(() -> credentials.tenant("Bearer " + GLOBEX)), "This API key has expired");
    credentials.admin("Bearer rotated-admin");
    assertUnauthorized(refusal(() -> credentials.admin("Bearer " + ADMIN)), "Admin routes need the admin token");
  }

  @Test
  void aReloadTakesTheSettingsOfKnownTenantsAndIgnoresNewOnes() {
    Credentials credentials = credentials(platform());
    assertThat(credentials.tenant("Bearer " + GLOBEX).tenant().mayRun("audit")).as("before: every workflow").isTrue();
    JsonObject newer = platform();
    JsonObject step = new JsonObject().put("name", "only").put("eventbus", new JsonObject().put("address", "a"));
    newer.put("workflows", new JsonObject()
        .put("orders", new JsonObject().put("steps", new JsonArray().add(step)))
        .put("audit", new JsonObject().put("steps", new JsonArray().add(step))));
    newer.getJsonObject("tenants").getJsonObject("globex").put("workflows", new JsonArray().add("orders"));
    newer.getJsonObject("tenants").put("initech", new JsonObject()
        .put("keys", new JsonArray().add(key("main", "initech-secret"))));

    credentials.reload(PlatformConfig.fromJson(newer));

    var globex = credentials.tenant("Bearer " + GLOBEX).tenant();
    assertThat(globex.mayRun("orders")).isTrue();
    assertThat(globex.mayRun("audit")).as("after: its new allow-list").isFalse();
    assertUnauthorized(refusal(() -> credentials.tenant("Bearer initech-secret")), "Unknown API key");
  }
}
