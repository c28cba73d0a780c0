package io.gapsweep.bench;

import io.gapsweep.sweep.PhaseTimes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Part {@code fixed-cost}: what a sweep costs outside its trials, as a user pays it. {@code gapsweep
 * run} of a one-trial, one-epoch sweep on 8×8 synthetic images runs in a JVM of its own, started
 * as the launcher starts it (this JVM's java, options and class path), then the same command again:
 * a resume with nothing left to train. Each is timed from here, from the start of the process to
 * its exit, and by the run's own breakdown ({@link PhaseTimes}, read from its output).
 */
final class FixedCost {

  private FixedCost() {}

  /** One run: the wall time measured from here, and the breakdown the run printed. */
  record Run(double wallSeconds, PhaseTimes phases) {}

  /** The one-trial sweep's configuration. */
  static final String CONF = String.join("\n",
      "gapsweep {",
      "  name = fixed-cost",
      "  search-space { depth = [1], dropout = [0.0], l2 = [0.0] }",
      "  training { max-epochs = 1, base-filters = 2, dense-units = 8 }",
      "  validation.scheme = holdout",
      "  data { width = 8, height = 8,",
      "    synthetic { train-per-class = 3, validation-per-class = 3 } }",
      "}", "");

  /** Writes {@link #CONF} into {@code folder} and returns its path. */
  static Path writeConf(Path folder) {
    try {
      Files.createDirectories(folder);
      return Files.writeString(folder.resolve("fixed-cost.conf"), CONF);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write the fixed-cost part's configuration", e);
    }
  }

  /** The option that maps a class-data-sharing archive, as the launcher gives it. */
  private static final String ARCHIVE = "-XX:SharedArchiveFile=";

  /** Whether this JVM maps a class-data-sharing archive of the launcher's (submit/common.sh). */
  static boolean mapsClassArchive() {
    return ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
        .anyMatch(option -> option.startsWith(ARCHIVE));
  }

  /**
   * Runs {@code gapsweep run conf --output output [--overwrite]} in a new JVM; with {@code
   * classArchive} false, without the class archive this JVM maps.
   */
  static Run run(Path conf, Path output, boolean overwrite, boolean classArchive) {
    List<String> command = javaCommand(classArchive);
    command.addAll(List.of("run", conf.toString(), "--output", output.toString()));
    if (overwrite) {
      command.add("--overwrite");
    }
    try {
      Path log = Files.createTempFile("gapsweep-fixed-cost-", ".log");
      try {
        long start = System.nanoTime();
        // As the launcher does: the time the process was asked for, so its breakdown includes
        // what happens before the JVM's clock starts.
        command.add(1, "-D" + PhaseTimes.LAUNCHED + "=" + System.currentTimeMillis());
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
            .redirectOutput(log.toFile()).start();
        if (!process.waitFor(2, TimeUnit.HOURS)) {
          process.destroyForcibly();
          throw new IllegalStateException("gapsweep run did not finish in 2 hours");
        }
        double wall = (System.nanoTime() - start) / 1e9;
        String output1 = Files.readString(log, StandardCharsets.UTF_8);
        if (process.exitValue() != 0) {
          throw new IllegalStateException(
              "gapsweep run exited with " + process.exitValue() + ":\n" + output1);
        }
        return new Run(wall, PhaseTimes.parse(output1));
      } finally {
        Files.deleteIfExists(log);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot start gapsweep run: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while gapsweep run ran", e);
    }
  }

  /**
   * This JVM's java, its options (module opens, heap, the class archive it maps if {@code
   * classArchive}; not its own launch time) and class path, then gapsweep's main class.
   */
  static List<String> javaCommand(boolean classArchive) {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command()
        .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    for (String option : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      // Agents and debuggers would attach to the child too; the launch time is the child's own;
      // an archive this JVM records is its own to write.
      if (!option.startsWith("-D" + PhaseTimes.LAUNCHED + "=") && !option.startsWith("-agentlib")
          && !option.startsWith("-javaagent") && !option.startsWith("-Xrunjdwp")
          && !option.startsWith("-XX:ArchiveClassesAtExit=")
          && !option.startsWith("-Dio.gapsweep.class-archive=")
          && (classArchive || !option.startsWith(ARCHIVE))) {
        command.add(option);
      }
    }
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.gapsweep.cli.Main"));
    return command;
  }
}
