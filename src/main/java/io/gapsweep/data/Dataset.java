package io.gapsweep.data;

import io.gapsweep.UserError;
import io.gapsweep.plan.FoldPlan;
import java.io.Serializable;
import java.util.List;

/**
 * A classification dataset split into training and validation images; what executors receive by
 * broadcast.
 *
 * <p>Under k-fold it also carries the fold assignment of the pool, the training images followed
 * by the validation images (pool id {@code i < train.count()} is training image {@code i}, the
 * rest are validation images after them). Only the assignment (int arrays) is added: each task
 * cuts its own split from the images it already has ({@link #split}).
 *
 * @param classes class names; a label is an index into this list
 * @param train training images
 * @param validation validation images
 * @param folds how the pool is cut into folds, or {@code null} under holdout
 * @param plan the scheme the folds follow ({@link FoldPlan#HOLDOUT} when {@code folds} is null)
 */
public record Dataset(
    List<String> classes, ImageSet train, ImageSet validation, Folds folds, FoldPlan plan)
    implements Serializable {

  public Dataset {
    classes = List.copyOf(classes);
  }

  /** A holdout dataset. */
  public Dataset(List<String> classes, ImageSet train, ImageSet validation) {
    this(classes, train, validation, null, FoldPlan.HOLDOUT);
  }

  public int classCount() {
    return classes.size();
  }

  /**
   * This dataset prepared for {@code plan}: under k-fold, with the stratified folds of the pooled
   * training and validation labels; under holdout, as it is.
   *
   * @throws UserError when a class has fewer images than there are folds
   */
  public Dataset withFolds(FoldPlan plan) {
    if (!plan.crossValidates()) {
      return new Dataset(classes, train, validation);
    }
    int[] labels = train.concat(validation).labels();
    int[] counts = new int[classCount()];
    for (int label : labels) {
      counts[label]++;
    }
    for (int c = 0; c < counts.length; c++) {
      if (counts[c] > 0 && counts[c] < plan.folds()) {
        throw new UserError("Cannot make " + plan.folds() + " stratified folds"
            + " (gapsweep.validation.folds): class " + classes.get(c) + " has only " + counts[c]
            + " image" + (counts[c] == 1 ? "" : "s") + " in training and validation together;"
            + " lower folds to at most " + counts[c] + " or set gapsweep.validation.scheme ="
            + " holdout");
      }
    }
    return new Dataset(classes, train, validation,
        Folds.stratified(labels, plan.folds(), plan.repeats(), plan.seed()), plan);
  }

  /**
   * The images a trial of split {@code fold} trains and early-stops on. Holdout: the training and
   * validation images, and the ids of the held-out examples are their positions in {@code
   * validation}. K-fold: split {@code fold} (repeat x folds + index) of the pool, held-out ids are
   * pool ids.
   */
  public Split split(int fold) {
    if (folds == null) {
      if (fold != 0) {
        throw new IllegalArgumentException(
            "Cannot select fold " + fold + ": the dataset is not cross-validated");
      }
      return new Split(train, validation, java.util.stream.IntStream.range(0, validation.count())
          .toArray());
    }
    Folds.Split split =
        folds.split(train.concat(validation), plan.repeatOf(fold), plan.indexOf(fold));
    return new Split(split.train(), split.heldOut(), split.heldOutIds());
  }

  /**
   * What one trial sees.
   *
   * @param train images it trains on
   * @param heldOut images it early-stops on and is validated with
   * @param heldOutIds example id of each held-out image: {@code heldOut} image {@code i} is example
   *     {@code heldOutIds[i]}
   */
  public record Split(ImageSet train, ImageSet heldOut, int[] heldOutIds) {}
}
