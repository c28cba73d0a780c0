package io.gapsweep.train;

/** How a trial ended. Every trial becomes a row, whatever its status. */
public enum TrialStatus {
  /** Trained until early stopping or the epoch limit. */
  COMPLETED,
  /** A loss became NaN or infinite; the epoch is recorded. */
  DIVERGED,
  /** Training threw; the message is recorded. */
  FAILED
}
