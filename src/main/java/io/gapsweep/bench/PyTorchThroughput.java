package io.gapsweep.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Part 3: the reference network trained in PyTorch by {@code reference_cnn.py}, a resource of the
 * jar written to a temporary file, on the same data and threads as part 1.
 */
final class PyTorchThroughput {

  /** A Python that has {@code torch}, and torch's version. */
  record Python(String command, String torchVersion) {}

  private static final Pattern RESULT = Pattern.compile("samples_per_second (\\S+) torch (\\S+)");

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

  static double measure(Python python, Path workDir, int samples, int epochs, int threads) {
    Path script = workDir.resolve("reference_cnn.py");
    try {
      if (!Files.exists(script)) {
        try (InputStream in = PyTorchThroughput.class.getResourceAsStream("reference_cnn.py")) {
          Files.copy(in, script);
        }
      }
      String out =
          run(List.of(python.command(), script.toString(), "--samples", String.valueOf(samples),
              "--epochs", String.valueOf(epochs), "--threads", String.valueOf(threads)), 3600);
      Matcher m = RESULT.matcher(out);
      if (!m.find()) {
        throw new IllegalStateException("Cannot read the PyTorch bench's output: " + out);
      }
      return Double.parseDouble(m.group(1));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot run the PyTorch bench with " + python.command(), e);
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
