package dev.wfgateway.testkit;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;

/** Programs that fixtures run, found on the PATH. */
final class Executables {
  private Executables() {
  }

  static Optional<Path> find(String name) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      Path candidate = Path.of(dir, name);
      if (Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  /** The program, or the test is aborted (reported as skipped) naming the Debian package that brings it. */
  static Path require(String name, String debianPackage) {
    return find(name).orElseGet(() -> Assumptions.abort("needs " + name + " (Debian package " + debianPackage + ")"));
  }
}
