package dev.wfgateway.testkit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.opentest4j.TestAbortedException;

/**
 * A fixture as a JUnit 5 extension ({@code @RegisterExtension static final ... = X.perClass();}):
 * it starts before the test class and closes after it. Started by hand ({@code X.start()}), it is
 * closed by hand (try-with-resources).
 *
 * <p>When the fixture aborts because the machine lacks a program, each test of the class is
 * aborted with that reason: Maven Surefire reports a class whose before-all step aborted as
 * "Tests run: 0, Skipped: 0", losing the reason, but lists aborted tests as skipped with it.
 */
public abstract class ClassFixture implements AutoCloseable, BeforeAllCallback, BeforeEachCallback, AfterAllCallback {
  private TestAbortedException aborted;

  ClassFixture() {
  }

  /** Starts the processes (or makes the files) and returns once they are ready for tests. */
  abstract void begin();

  /** Stops every process the fixture started; safe to call more than once, and after a failed start. */
  @Override
  public abstract void close();

  /** {@link #begin}, closing whatever was started if it fails half-way. */
  final void open() {
    try {
      begin();
    } catch (RuntimeException | Error e) {
      close();
      throw e;
    }
  }

  /** For the fixtures' static {@code start()}: the fixture, opened. */
  static <F extends ClassFixture> F opened(F fixture) {
    fixture.open();
    return fixture;
  }

  @Override
  public final void beforeAll(ExtensionContext context) {
    try {
      open();
    } catch (TestAbortedException e) {
      aborted = e;
    }
  }

  @Override
  public final void beforeEach(ExtensionContext context) {
    if (aborted != null) {
      Assumptions.abort(aborted.getMessage());
    }
  }

  @Override
  public final void afterAll(ExtensionContext context) {
    close();
  }
}
