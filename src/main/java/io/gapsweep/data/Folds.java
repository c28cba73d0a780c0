package io.gapsweep.data;

import java.util.Arrays;
import java.util.Random;

/**
 * A stratified, optionally repeated, k-fold partition of a pool of examples: for every repeat,
 * the held-out fold of every example.
 *
 * <p>It follows scikit-learn's {@code StratifiedKFold(n_splits=k, shuffle=True)} and {@code
 * RepeatedStratifiedKFold} ({@code sklearn/model_selection/_split.py}, {@code
 * StratifiedKFold._make_test_folds}): the labels, sorted, are dealt round-robin to the k folds,
 * which fixes how many members of each class each fold holds (fold sizes differ by at most one, and
 * so do a class's counts in two folds); then each class's fold numbers are shuffled and given to
 * its members in pool order. Where it differs from scikit-learn:
 *
 * <ul>
 *   <li>a class with fewer than k members is an error; scikit-learn only warns (and fails only
 *       when every class is that small), leaving some folds without that class;
 *   <li>classes are ordered by label index, not by first appearance, when the sorted labels are
 *       dealt to the folds (this decides which folds get a class's extra member);
 *   <li>shuffling is always on, with {@link Random} seeded by a SplitMix64 derivation of {@code
 *       (seed, repeat)}, so a repeat's folds do not depend on how many repeats there are; numpy's
 *       generator is not reproduced, so the folds are not the same examples as scikit-learn's.
 * </ul>
 *
 * <p>The partition depends only on the labels, k, the repeats and the seed, never on a trial's
 * configuration: every configuration is evaluated on the same held-out examples, so differences
 * between configurations can be paired example by example. An example's id is its index in the
 * pool.
 */
public final class Folds implements java.io.Serializable {

  private final int k;
  private final int repeats;
  private final int[] labels;
  // assignment[repeat][example] = the fold that holds the example out in that repeat.
  private final int[][] assignment;

  private Folds(int k, int repeats, int[] labels, int[][] assignment) {
    this.k = k;
    this.repeats = repeats;
    this.labels = labels;
    this.assignment = assignment;
  }

  /**
   * Stratified folds of the pooled examples with these labels.
   *
   * @param labels class index (>= 0) of every example in the pool
   * @param k folds per repeat, >= 2, at most the smallest class's count
   * @param repeats repeats, >= 1; each repeat is a fresh shuffle
   * @param seed any value; the same arguments give the same folds
   * @throws IllegalArgumentException when k, repeats or the class counts do not allow it
   */
  public static Folds stratified(int[] labels, int k, int repeats, long seed) {
    if (k < 2) {
      throw new IllegalArgumentException("Cannot make folds: k must be at least 2, got " + k);
    }
    if (repeats < 1) {
      throw new IllegalArgumentException(
          "Cannot make folds: repeats must be at least 1, got " + repeats);
    }
    int classes = 0;
    for (int label : labels) {
      if (label < 0) {
        throw new IllegalArgumentException("Cannot make folds: negative label " + label);
      }
      classes = Math.max(classes, label + 1);
    }
    int[] counts = new int[classes];
    for (int label : labels) {
      counts[label]++;
    }
    for (int c = 0; c < classes; c++) {
      // A class absent from the pool is no problem; one with 1..k-1 members leaves folds without it.
      if (counts[c] > 0 && counts[c] < k) {
        throw new IllegalArgumentException(
            "Cannot make " + k + " stratified folds: class " + c + " has only " + counts[c]
                + " example" + (counts[c] == 1 ? "" : "s") + "; every class needs at least " + k);
      }
    }
    int[][] allocation = allocation(counts, k);
    int[][] assignment = new int[repeats][];
    for (int r = 0; r < repeats; r++) {
      assignment[r] = assign(labels, counts, allocation, k, new Random(SyntheticShapes.mix(seed,
          FOLD_STREAM, r, 0)));
    }
    return new Folds(k, repeats, labels.clone(), assignment);
  }

  private static final long FOLD_STREAM = 11;

  // allocation[fold][class]: members of the class held out in the fold, as scikit-learn deals the
  // sorted labels y_order[i::k] to fold i.
  private static int[][] allocation(int[] counts, int k) {
    int[][] allocation = new int[k][counts.length];
    int position = 0;
    for (int c = 0; c < counts.length; c++) {
      for (int m = 0; m < counts[c]; m++, position++) {
        allocation[position % k][c]++;
      }
    }
    return allocation;
  }

  private static int[] assign(
      int[] labels, int[] counts, int[][] allocation, int k, Random random) {
    int[][] foldsForClass = new int[counts.length][];
    for (int c = 0; c < counts.length; c++) {
      int[] folds = new int[counts[c]];
      int at = 0;
      for (int f = 0; f < k; f++) {
        for (int m = 0; m < allocation[f][c]; m++) {
          folds[at++] = f;
        }
      }
      shuffle(folds, random);
      foldsForClass[c] = folds;
    }
    int[] next = new int[counts.length];
    int[] assignment = new int[labels.length];
    for (int i = 0; i < labels.length; i++) {
      assignment[i] = foldsForClass[labels[i]][next[labels[i]]++];
    }
    return assignment;
  }

  private static void shuffle(int[] values, Random random) {
    for (int i = values.length - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int swap = values[i];
      values[i] = values[j];
      values[j] = swap;
    }
  }

  /** Folds per repeat. */
  public int k() {
    return k;
  }

  public int repeats() {
    return repeats;
  }

  /** Number of (repeat, fold) splits: {@code k * repeats}. */
  public int splits() {
    return k * repeats;
  }

  /** Examples in the pool. */
  public int size() {
    return labels.length;
  }

  /** The fold that holds {@code example} out in {@code repeat}. */
  public int foldOf(int repeat, int example) {
    return assignment[repeat][example];
  }

  /** Ids (pool indices, ascending) of the examples {@code fold} holds out in {@code repeat}. */
  public int[] heldOut(int repeat, int fold) {
    return select(repeat, fold, true);
  }

  /** Ids (pool indices, ascending) of the examples that {@code fold} of {@code repeat} trains on. */
  public int[] training(int repeat, int fold) {
    return select(repeat, fold, false);
  }

  private int[] select(int repeat, int fold, boolean heldOut) {
    if (repeat < 0 || repeat >= repeats || fold < 0 || fold >= k) {
      throw new IndexOutOfBoundsException(
          "Cannot select fold " + fold + " of repeat " + repeat + ": there are " + k
              + " folds and " + repeats + " repeats");
    }
    int[] row = assignment[repeat];
    return java.util.stream.IntStream.range(0, row.length)
        .filter(i -> (row[i] == fold) == heldOut)
        .toArray();
  }

  /**
   * The training and held-out images of one split, cut from the pool these folds were made for.
   *
   * @throws IllegalArgumentException when the pool is not that pool (size or labels differ)
   */
  public Split split(ImageSet pool, int repeat, int fold) {
    if (pool.count() != labels.length || !Arrays.equals(pool.labels(), labels)) {
      throw new IllegalArgumentException(
          "Cannot split a pool of " + pool.count() + " images with folds made for "
              + labels.length + " examples of other labels");
    }
    int[] train = training(repeat, fold);
    int[] held = heldOut(repeat, fold);
    return new Split(repeat, fold, train, pool.select(train), held, pool.select(held));
  }

  /**
   * One (repeat, fold) split.
   *
   * @param trainIds pool indices of the training images, ascending
   * @param heldOutIds pool indices of the held-out images, ascending: example {@code i} of {@code
   *     heldOut} is pool example {@code heldOutIds[i]}
   */
  public record Split(
      int repeat, int fold, int[] trainIds, ImageSet train, int[] heldOutIds, ImageSet heldOut) {}
}
