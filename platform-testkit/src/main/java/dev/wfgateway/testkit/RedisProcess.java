package dev.wfgateway.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import java.util.function.IntSupplier;

/**
 * One redis-server or redis-sentinel child process, run in a directory of its own with its output
 * appended to {@code redis.log} there; started means it answers on its port.
 */
final class RedisProcess {
  private static final Duration START_DEADLINE = Duration.ofSeconds(15);
  private static final int PORT_ATTEMPTS = 5;

  private final Process process;
  private final Path log;
  private final long logStart;
  private final int port;

  private RedisProcess(Process process, Path log, long logStart, int port) {
    this.process = process;
    this.log = log;
    this.logStart = logStart;
    this.port = port;
  }

  /**
   * Runs {@code executable args} in {@code dir} and returns once {@code probe} reaches this very
   * process (its INFO names our pid, not some other server that took the port). Throws
   * {@link ExitedAtStart} if it exits first, and kills it if it does not answer within the deadline.
   */
  static RedisProcess start(Path executable, Path dir, int port, List<String> args, Resp probe) throws IOException {
    Files.createDirectories(dir);
    Path log = dir.resolve("redis.log");
    long logStart = Files.exists(log) ? Files.size(log) : 0;
    List<String> command = new ArrayList<>(List.of(executable.toString()));
    command.addAll(args);
    Process process = new ProcessBuilder(command).directory(dir.toFile())
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
        .start();
    RedisProcess started = new RedisProcess(process, log, logStart, port);
    try {
      return Poll.until(executable + " in " + dir + " to answer", START_DEADLINE, () -> {
        if (!process.isAlive()) {
          throw new ExitedAtStart(executable, dir, started.output());
        }
        return started.answers(probe) ? started : null;
      }, () -> "its output:\n" + started.output());
    } catch (IllegalStateException e) {
      started.kill();
      throw e;
    }
  }

  /**
   * {@link #start} on a port from {@code ports}, and again on another one when the port was taken
   * between choosing and binding it.
   */
  static RedisProcess startOnFreePort(Path executable, Path dir, IntSupplier ports, IntFunction<List<String>> args,
      IntFunction<Resp> probe) throws IOException {
    for (int attempt = 1; ; attempt++) {
      int port = ports.getAsInt();
      try {
        return start(executable, dir, port, args.apply(port), probe.apply(port));
      } catch (ExitedAtStart e) {
        if (!e.portTaken() || attempt == PORT_ATTEMPTS) {
          throw e;
        }
      }
    }
  }

  private boolean answers(Resp probe) {
    try {
      return String.valueOf(process.pid()).equals(probe.fields("INFO", "server").get("process_id"));
    } catch (IOException e) {
      return false;
    }
  }

  int port() {
    return port;
  }

  long pid() {
    return process.pid();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** SIGKILL, and waits for the exit: no chance to save or hand anything over. */
  void kill() {
    try {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** SIGTERM, then SIGKILL if it has not exited within 10 s. */
  void stop() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        kill();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Sends a signal Java has no call for, such as {@code STOP} or {@code CONT}. */
  void signal(String name) {
    try {
      Process kill = new ProcessBuilder("kill", "-" + name, String.valueOf(process.pid()))
          .redirectErrorStream(true).start();
      if (kill.waitFor() != 0) {
        throw new IllegalStateException("kill -" + name + " " + process.pid() + ": "
            + new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** What this run of the process has written so far. */
  String output() {
    try {
      byte[] all = Files.readAllBytes(log);
      int start = (int) Math.min(logStart, all.length);
      return new String(all, start, all.length - start, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(cannot read " + log + ": " + e + ")";
    }
  }

  /** The process exited before it answered; its output says why. */
  static final class ExitedAtStart extends IllegalStateException {
    private final String output;

    ExitedAtStart(Path executable, Path dir, String output) {
      super(executable + " in " + dir + " exited at start; its output:\n" + output);
      this.output = output;
    }

    boolean portTaken() {
      return output.contains("Address already in use");
    }

    String output() {
      return output;
    }
  }
}
