package io.gapsweep.plan;

import java.util.List;

/**
 * The trials of a sweep, in their deterministic order.
 *
 * @param fingerprint hash of every setting that changes what a trial computes, except the grid
 *     parameters themselves; part of every trial id
 * @param trials the expanded grid
 * @param folds how the trials split the data (holdout or k-fold)
 */
public record SweepPlan(String fingerprint, List<TrialSpec> trials, FoldPlan folds) {

  public SweepPlan {
    trials = List.copyOf(trials);
  }

  /** A holdout plan. */
  public SweepPlan(String fingerprint, List<TrialSpec> trials) {
    this(fingerprint, trials, FoldPlan.HOLDOUT);
  }

  /** The same sweep restricted to {@code todo} (a resume), with the same folds. */
  public SweepPlan withTrials(List<TrialSpec> todo) {
    return new SweepPlan(fingerprint, todo, folds);
  }
}
