package io.gapsweep.verdict;

import io.gapsweep.config.AugmentationPreset;
import io.gapsweep.config.Axis;
import io.gapsweep.plan.TrialSpec;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A configuration about to be refit for the test split, with what the leaderboard says of it.
 *
 * @param spec its trial of seed index 0 (fold 0): the parameters and the seed the refit uses
 * @param preset its augmentation preset
 * @param rank its leaderboard rank, or {@code null} when it is not ranked
 * @param competitive whether it is inside the competitive band
 * @param valLoss its mean validation loss ({@code leaderboard.val_loss_mean})
 * @param gap its mean generalization gap ({@code leaderboard.gap_mean})
 * @param completed its completed trials, whose best epochs set {@code epochs}
 * @param epochs epochs of the refit: the mean best epoch of its completed trials, rounded, >= 1
 * @param label the configuration as people read it, e.g. {@code depth 1, dropout 0.25, ...}
 */
public record Candidate(
    TrialSpec spec, AugmentationPreset preset, Integer rank, boolean competitive, Double valLoss,
    Double gap, int completed, int epochs, String label) implements Serializable {

  /** The refit's epochs for a mean best epoch: rounded half up, at least 1. */
  public static int epochs(double meanBestEpoch) {
    return (int) Math.max(1, Math.round(meanBestEpoch));
  }

  public String configId() {
    return spec.configId();
  }

  /** The refit policy in words, e.g. {@code refit on train+validation for 14 epochs (...)}. */
  public String policy() {
    return String.format(Locale.ROOT, "refit on train+validation for %d epoch%s (mean best epoch"
        + " of %d trial%s)", epochs, epochs == 1 ? "" : "s", completed, completed == 1 ? "" : "s");
  }

  /** {@code axis: value} of {@code spec} on the given axes, as the leaderboard prints them. */
  static String label(TrialSpec spec, List<Axis<?>> axes) {
    List<String> parts = new ArrayList<>();
    for (Axis<?> axis : axes) {
      parts.add(axis.name() + " " + spec.params().print(axis));
    }
    return String.join(", ", parts);
  }
}
