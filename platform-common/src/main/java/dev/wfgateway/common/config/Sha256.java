package dev.wfgateway.common.config;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 as configuration stores secrets: lower-case hex of the UTF-8 bytes. */
public final class Sha256 {
  private Sha256() {
  }

  public static byte[] digest(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  public static String hex(String text) {
    return HexFormat.of().formatHex(digest(text));
  }
}
