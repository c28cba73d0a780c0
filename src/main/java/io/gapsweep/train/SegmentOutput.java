package io.gapsweep.train;

import java.io.Serializable;

/**
 * What one segment of a trial (its epochs from one successive-halving rung to the next) sends
 * back: either the trial ended (early stopping, the epoch limit, divergence, an error) or it paused
 * at the rung's epoch with a checkpoint to continue from. Exactly one of the two is set.
 *
 * @param finished the ended trial, as {@link TrialRunner#run} returns it; null when paused
 * @param paused the checkpoint of a paused trial; null when it ended
 */
public record SegmentOutput(TrialOutput finished, TrialCheckpoint paused) implements Serializable {

  public SegmentOutput {
    if ((finished == null) == (paused == null)) {
      throw new IllegalArgumentException("A segment either finishes or pauses its trial");
    }
  }

  /** The trial id of the segment. */
  public String trialId() {
    return finished != null ? finished.result().spec().trialId() : paused.trialId();
  }
}
