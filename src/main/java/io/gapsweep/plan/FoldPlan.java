package io.gapsweep.plan;

import java.io.Serializable;

/**
 * How a sweep's trials split the data: holdout (one split, fold 0) or stratified k-fold.
 *
 * <p>A trial's {@code fold} is {@code repeat * folds + index}. The folds' seed derives from the
 * data settings only ({@link TrialIds#foldSeed}), never from a configuration, so every
 * configuration is trained and validated on the same splits and comparisons are paired.
 *
 * @param folds folds per repeat; 1 for holdout
 * @param repeats repeats of k-fold; 1 for holdout
 * @param seed seed of the fold assignment; 0 for holdout
 */
public record FoldPlan(int folds, int repeats, long seed) implements Serializable {

  /** Today's scheme: the given training and validation images, fold 0 only. */
  public static final FoldPlan HOLDOUT = new FoldPlan(1, 1, 0);

  /** Whether trials are cross-validated. */
  public boolean crossValidates() {
    return folds > 1;
  }

  /** Trials per configuration and seed. */
  public int splits() {
    return folds * repeats;
  }

  /** The repeat of split {@code fold}. */
  public int repeatOf(int fold) {
    return fold / folds;
  }

  /** The fold index, within its repeat, of split {@code fold}. */
  public int indexOf(int fold) {
    return fold % folds;
  }
}
