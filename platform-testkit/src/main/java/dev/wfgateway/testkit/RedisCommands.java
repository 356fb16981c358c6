package dev.wfgateway.testkit;

/** One command to a loopback Redis, for a test's set-up and assertions; never for code under test. */
public final class RedisCommands {
  private RedisCommands() {
  }

  /** Sends {@code args} as an inline command; the first reply line as sent ({@code :1}, {@code +OK}), or null. */
  public static String send(int port, String... args) {
    return Resp.loopback(port).firstLine(String.join(" ", args));
  }
}
