package io.gapsweep.plan;

import java.util.List;

/**
 * The trials of a sweep, in their deterministic order.
 *
 * @param fingerprint hash of every setting that changes what a trial computes, except the grid
 *     parameters themselves; part of every trial id
 * @param trials the expanded grid
 */
public record SweepPlan(String fingerprint, List<TrialSpec> trials) {

  public SweepPlan {
    trials = List.copyOf(trials);
  }
}
