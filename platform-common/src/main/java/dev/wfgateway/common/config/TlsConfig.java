package dev.wfgateway.common.config;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * PEM files for one TLS link. Which of them a link needs differs: a server needs its certificate
 * and key, a client that checks its server needs the CA, mutual TLS needs all three.
 * {@code hostnameVerification} applies to clients only.
 */
public record TlsConfig(String certPem, String keyPem, String caPem, boolean hostnameVerification) {

  /** What a link requires of its {@code tls} section. */
  enum Needs { SERVER, CLIENT, MUTUAL }

  static TlsConfig read(ConfigReader r, JsonObject json, String path, Needs needs) {
    String cert = file(r, json, "certPem", path, needs != Needs.CLIENT);
    String key = file(r, json, "keyPem", path, needs != Needs.CLIENT);
    String ca = file(r, json, "caPem", path, needs == Needs.MUTUAL);
    if ((cert == null) != (key == null)) {
      r.problem(path, "certPem and keyPem go together");
    }
    boolean verifyHost = needs == Needs.CLIENT
        ? r.bool(json, "hostnameVerification", path + ".hostnameVerification", true) : true;
    return new TlsConfig(cert, key, ca, verifyHost);
  }

  private static String file(ConfigReader r, JsonObject json, String field, String path, boolean required) {
    String p = path + "." + field;
    String file = required ? r.requiredString(json, field, p) : r.string(json, field, p, null);
    if (file != null && !file.isBlank() && !Files.isReadable(Path.of(file))) {
      r.problem(p, "cannot read " + file);
    }
    return file == null || file.isBlank() ? null : file;
  }
}
