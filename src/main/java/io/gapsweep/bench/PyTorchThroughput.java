package io.gapsweep.bench;

import io.gapsweep.UserError;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Part 3: the reference network trained in PyTorch by {@code reference_cnn.py}, a resource of the
 * jar written to a temporary file, on the same data and threads as part 1, epoch by epoch.
 */
final class PyTorchThroughput {

  /** A Python that has {@code torch}, and torch's version. */
  record Python(String command, String torchVersion) {}

  private PyTorchThroughput() {}

  /** The first of {@code candidates} that imports torch. */
  static Optional<Python> find(List<String> candidates) {
    for (String candidate : candidates) {
      try {
        String out = run(List.of(candidate, "-c", "import torch; print(torch.__version__)"), 120);
        return Optional.of(new Python(candidate, out.strip()));
      } catch (IOException | IllegalStateException e) {
        // not installed, or no torch: try the next one
      }
    }
    return Optional.empty();
  }

  /**
   * A PyTorch process that trains the reference network one epoch at a time, on request, so that
   * its epochs alternate with DL4J's and both meet the machine in the same state.
   */
  static final class Worker implements AutoCloseable {

    private static final long ANSWER_SECONDS = 600;
    // Compared by identity: no line the process prints is this object.
    private static final String EOF = "end of output";

    private final Process process;
    private final String command;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    // What the process printed besides its answers (warnings, a traceback), for error messages;
    // only the calling thread touches it.
    private final StringBuilder chatter = new StringBuilder();

    private Worker(Process process, String command) {
      this.process = process;
      this.command = command;
      Thread reader = new Thread(this::readLines, "gapsweep-bench-pytorch");
      reader.setDaemon(true);
      reader.start();
    }

    /** Starts the script and waits for its warm-up epoch. */
    static Worker start(Python python, Path workDir, int samples, int threads) {
      Path script = workDir.resolve("reference_cnn.py");
      List<String> command = List.of(python.command(), script.toString(), "--samples",
          String.valueOf(samples), "--threads", String.valueOf(threads));
      try {
        if (!Files.exists(script)) {
          try (InputStream in = PyTorchThroughput.class.getResourceAsStream("reference_cnn.py")) {
            Files.copy(in, script);
          }
        }
        Worker worker = new Worker(
            new ProcessBuilder(command).redirectErrorStream(true).start(), String.join(" ", command));
        try {
          worker.answer("ready torch ");
        } catch (RuntimeException e) {
          worker.process.destroyForcibly();
          throw e;
        }
        return worker;
      } catch (IOException e) {
        throw new UserError("Cannot run the PyTorch bench, " + String.join(" ", command) + ": "
            + e.getMessage(), e);
      }
    }

    /** Trains one epoch; its samples per second. */
    double epoch() {
      try {
        process.getOutputStream().write("epoch\n".getBytes(StandardCharsets.US_ASCII));
        process.getOutputStream().flush();
      } catch (IOException e) {
        throw new UserError(failure("it stopped reading (" + e.getMessage() + ")"), e);
      }
      return Double.parseDouble(answer("samples_per_second "));
    }

    /** Closes the script's input, which ends it. */
    @Override
    public void close() {
      try {
        process.getOutputStream().close();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
      } catch (IOException e) {
        process.destroyForcibly();
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }

    /** The rest of the next line that starts with {@code prefix}. */
    private String answer(String prefix) {
      try {
        while (true) {
          String line = lines.poll(ANSWER_SECONDS, TimeUnit.SECONDS);
          if (line == null) {
            throw new UserError(failure("no answer after " + ANSWER_SECONDS + " s"));
          }
          if (line == EOF) {
            throw new UserError(failure("it ended"));
          }
          if (line.startsWith(prefix)) {
            return line.substring(prefix.length()).strip();
          }
          chatter.append(line).append('\n');
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new UserError(failure("interrupted"), e);
      }
    }

    /** A Python that fails is the user's to mend, or to leave out of {@code --parts}. */
    private String failure(String what) {
      return "Cannot run the PyTorch bench, " + command + ": " + what
          + (chatter.isEmpty() ? "" : "; it printed:\n" + chatter.toString().strip());
    }

    private void readLines() {
      try (BufferedReader out = new BufferedReader(
          new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line = out.readLine(); line != null; line = out.readLine()) {
          lines.add(line);
        }
      } catch (IOException e) {
        // the process went away; EOF below says so
      }
      lines.add(EOF);
    }
  }

  /** Output of a finished command (standard output and error); throws unless it exits 0 in time. */
  private static String run(List<String> command, long timeoutSeconds) throws IOException {
    // A file, not a pipe: reading a pipe to its end would wait for a hung process forever.
    Path log = Files.createTempFile("gapsweep-bench", ".out");
    try {
      Process process =
          new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
      boolean finished = process.waitFor(timeoutSeconds, TimeUnit.SECONDS);
      if (!finished) {
        process.destroyForcibly();
      }
      String out = Files.readString(log, StandardCharsets.UTF_8);
      if (!finished || process.exitValue() != 0) {
        throw new IllegalStateException(
            "Cannot run " + String.join(" ", command) + ": "
                + (finished ? out.strip() : "no result after " + timeoutSeconds + " s"));
      }
      return out;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Cannot run " + String.join(" ", command) + ": interrupted", e);
    } finally {
      Files.deleteIfExists(log);
    }
  }
}
