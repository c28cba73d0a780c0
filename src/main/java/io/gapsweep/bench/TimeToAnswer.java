package io.gapsweep.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Part {@code answer}: what a user waits for an answer. The demo as shipped ({@code
 * conf/demo.conf}, in the jar beside this class), and a cross-validated sweep of 36
 * configurations on the demo's data, each run as the fixed-cost part runs its sweep ({@link
 * FixedCost#run}).
 */
final class TimeToAnswer {

  private TimeToAnswer() {}

  /** A sweep of this part: what the table calls it, its configuration file, its trial count. */
  record Sweep(String label, Path conf, int trials) {}

  /** The demo's grid widened to 36 configurations, validated by 3-fold, shorter trials. */
  static final String CROSS_VALIDATED = String.join("\n",
      "include \"demo.conf\"",
      "gapsweep {",
      "  name = cross-validated",
      "  search-space { dropout = [0.0, 0.2, 0.4], l2 = [0.0, 0.001, 0.01] }",
      "  training { max-epochs = 12, patience = 4 }",
      "  validation { scheme = k-fold, folds = 3 }",
      "  data { width = 16, height = 16 }",
      "}", "");

  static final String DESCRIPTION = "The demo is conf/demo.conf as shipped (16 configurations,"
      + " holdout, 24×24, at most 40 epochs); the cross-validated sweep is the demo's data at"
      + " 16×16 over 36 configurations (depth 2, 3 × dropout 0, 0.2, 0.4 × L2 0, 0.001, 0.01 ×"
      + " augmentation none, light), 3-fold, at most 12 epochs with patience 4: 108 trials."
      + " Outside training and the held-out refit = wall time − the training and held-out test"
      + " phases (the refit on train+validation trains a model too).";

  /** Writes both configurations into {@code folder}: the demo first. */
  static List<Sweep> write(Path folder) {
    try {
      Files.createDirectories(folder);
      Path demoConf = Files.writeString(folder.resolve("demo.conf"), DemoConf.text());
      Path crossValidated = Files.writeString(folder.resolve("cross-validated.conf"), CROSS_VALIDATED);
      return List.of(new Sweep("the demo (16 trials), fresh JVM", demoConf, 16),
          new Sweep("36 configurations × 3 folds (108 trials), fresh JVM", crossValidated, 108));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write the answer part's configurations", e);
    }
  }
}
