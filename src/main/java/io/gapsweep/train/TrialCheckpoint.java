package io.gapsweep.train;

import java.io.Serializable;
import java.util.List;

/**
 * Everything a paused trial needs to continue as if it had never stopped: what DL4J's {@code
 * ModelSerializer} keeps with {@code saveUpdater = true} (the parameters, the updater state, the
 * iteration counter), plus what no model zip holds: the early-stopping state, the ND4J random
 * generator's state (dropout masks) and the curve so far.
 *
 * <p>The network's configuration is not stored: it is rebuilt from the trial's spec, with
 * gapsweep's kernels, exactly as when the trial started (a model zip would hold the portable stock
 * kernels instead, see {@code Kernels.makePortable}). Arrays are ND4J's own binary format ({@code
 * Nd4j.toByteArray}), the format of the zip's {@code coefficients.bin} and {@code
 * updaterState.bin}. The batch order and augmentation need nothing: pass {@code p} of {@link
 * TrainingBatches} re-seeds from the trial seed and {@code p}.
 *
 * @param trialId the trial
 * @param epochs epochs trained so far; the next epoch is {@code epochs + 1} (1-based)
 * @param params the network's parameters after epoch {@code epochs}
 * @param updaterState the updater's state (Adam's moments...), or null when the updater has none
 * @param iterationCount the network's iteration counter (Adam's bias correction reads it)
 * @param bestParams the parameters of the kept (lowest validation loss) epoch; null when none
 * @param bestEpochIndex 0-based epoch of {@code bestParams}, -1 when none (DL4J's numbering)
 * @param bestScore the score DL4J's trainer compares against, {@code Double.MAX_VALUE} when none
 * @param patienceBestEpoch the patience condition's last improving epoch (0-based), -1 when none
 * @param patienceBestScore the patience condition's best score
 * @param rngRootState ND4J's generator state of the training thread (root)
 * @param rngNodeState ND4J's generator state of the training thread (node)
 * @param curve the learning curve so far, one point per epoch
 * @param bestPredictions the clean validation predictions of the best epoch so far, or null
 * @param seconds wall time spent training the trial so far
 * @param threads ND4J threads the last segment ran with
 * @param executor where the last segment ran
 */
public record TrialCheckpoint(
    String trialId,
    int epochs,
    byte[] params,
    byte[] updaterState,
    int iterationCount,
    byte[] bestParams,
    int bestEpochIndex,
    double bestScore,
    int patienceBestEpoch,
    double patienceBestScore,
    long rngRootState,
    long rngNodeState,
    List<EpochMetrics> curve,
    Predictions bestPredictions,
    double seconds,
    int threads,
    ExecutorInfo executor)
    implements Serializable {

  public TrialCheckpoint {
    curve = List.copyOf(curve);
  }

  /** The lowest validation loss so far (what successive halving ranks), +inf when none. */
  public double bestValidationLoss() {
    double best = Double.POSITIVE_INFINITY;
    for (EpochMetrics point : curve) {
      if (point.valLoss() < best) {
        best = point.valLoss();
      }
    }
    return best;
  }
}
