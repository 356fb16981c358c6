package dev.wfgateway.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A platform (or anything closeable) started once per test class in a fresh data directory:
 * {@code @RegisterExtension static final PerClass<RunningPlatform> node = PerClass.of(dir -> ...);}
 */
final class PerClass<T extends AutoCloseable> implements BeforeAllCallback, AfterAllCallback {
  interface Starter<T> {
    T start(Path dataDir) throws Exception;
  }

  private final Starter<T> starter;
  private Path dir;
  private T value;

  private PerClass(Starter<T> starter) {
    this.starter = starter;
  }

  static <T extends AutoCloseable> PerClass<T> of(Starter<T> starter) {
    return new PerClass<>(starter);
  }

  T get() {
    return value;
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    dir = Files.createTempDirectory("platform-test");
    value = starter.start(dir);
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    try {
      value.close();
    } finally {
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException ignored) {
        // a leftover temp directory is harmless
      }
    }
  }
}
