package io.gapsweep.train;

import io.gapsweep.plan.TrialSpec;
import java.io.Serializable;
import java.util.List;

/**
 * What one trial produced; a plain value that crosses the wire from executor to driver.
 *
 * @param spec the trial
 * @param status how it ended
 * @param stopReason why training stopped ({@code patience}, {@code max-epochs}, {@code diverged},
 *     {@code error}, or {@code pruned} by successive halving)
 * @param error the error message of a failed or diverged trial, else empty
 * @param bestEpoch 1-based epoch of the lowest validation loss; 0 when none was measured
 * @param epochsRun epochs trained
 * @param seconds wall time of the whole trial
 * @param threads ND4J threads the trial ran with
 * @param executor where it ran: Spark executor id, host and process id
 * @param curve the learning curve, one point per epoch
 * @param predictions the clean validation predictions at {@code bestEpoch}; null when no epoch
 *     was measured (or the result predates them)
 * @param rung the last successive-halving rung the trial trained in, from 0; 0 without a
 *     scheduler (and in records that predate it)
 */
public record TrialResult(
    TrialSpec spec,
    TrialStatus status,
    String stopReason,
    String error,
    int bestEpoch,
    int epochsRun,
    double seconds,
    int threads,
    ExecutorInfo executor,
    List<EpochMetrics> curve,
    Predictions predictions,
    int rung)
    implements Serializable {

  public TrialResult {
    curve = List.copyOf(curve);
  }

  /** A result without a scheduler: rung 0. */
  public TrialResult(
      TrialSpec spec,
      TrialStatus status,
      String stopReason,
      String error,
      int bestEpoch,
      int epochsRun,
      double seconds,
      int threads,
      ExecutorInfo executor,
      List<EpochMetrics> curve,
      Predictions predictions) {
    this(spec, status, stopReason, error, bestEpoch, epochsRun, seconds, threads, executor, curve,
        predictions, 0);
  }

  /** This result, as reached in successive-halving rung {@code rung}. */
  public TrialResult withRung(int rung) {
    return new TrialResult(spec, status, stopReason, error, bestEpoch, epochsRun, seconds, threads,
        executor, curve, predictions, rung);
  }

  /** A result without validation predictions. */
  public TrialResult(
      TrialSpec spec,
      TrialStatus status,
      String stopReason,
      String error,
      int bestEpoch,
      int epochsRun,
      double seconds,
      int threads,
      ExecutorInfo executor,
      List<EpochMetrics> curve) {
    this(spec, status, stopReason, error, bestEpoch, epochsRun, seconds, threads, executor, curve,
        null, 0);
  }
}
