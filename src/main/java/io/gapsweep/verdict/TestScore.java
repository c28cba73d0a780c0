package io.gapsweep.verdict;

import io.gapsweep.dispatch.DistributedEvaluation;
import java.util.Locale;
import org.apache.commons.math3.stat.interval.ConfidenceInterval;
import org.apache.commons.math3.stat.interval.WilsonScoreInterval;

/**
 * What one refit network scored on the test split, with the Wilson score 95% interval of its
 * accuracy (Wilson 1927; recommended over the normal approximation by Brown, Cai and DasGupta
 * 2001, "Interval Estimation for a Binomial Proportion"): it stays inside [0, 1] and keeps close
 * to its nominal coverage at the small n and extreme accuracies of a meager test set.
 *
 * @param evaluation counts, accuracy, loss and confusion matrix from {@link DistributedEvaluation}
 * @param ciLow lower bound of the 95% interval of the accuracy
 * @param ciHigh upper bound
 */
public record TestScore(DistributedEvaluation.Result evaluation, double ciLow, double ciHigh) {

  /** The confidence level of every interval gapsweep reports. */
  public static final double LEVEL = 0.95;

  /** The score of {@code evaluation}, with its Wilson interval. */
  public static TestScore of(DistributedEvaluation.Result evaluation) {
    ConfidenceInterval interval = wilson(evaluation.count(), correct(evaluation));
    return new TestScore(evaluation, interval.getLowerBound(), interval.getUpperBound());
  }

  /** The Wilson score interval, at {@link #LEVEL}, of {@code successes} in {@code n} trials. */
  static ConfidenceInterval wilson(int n, int successes) {
    return new WilsonScoreInterval().createInterval(n, successes, LEVEL);
  }

  public int examples() {
    return evaluation.count();
  }

  public int correct() {
    return correct(evaluation);
  }

  /** correct / examples (the same number DL4J's evaluation reports). */
  public double accuracy() {
    return (double) correct() / examples();
  }

  public double loss() {
    return evaluation.meanLoss();
  }

  /** E.g. {@code 0.874 (95% CI 0.851–0.894, n = 1,200)}. */
  public String describe() {
    return String.format(Locale.ROOT, "%.3f (95%% CI %.3f–%.3f, n = %,d)",
        accuracy(), ciLow, ciHigh, examples());
  }

  private static int correct(DistributedEvaluation.Result evaluation) {
    int correct = 0;
    for (int n : evaluation.correctPerClass()) {
      correct += n;
    }
    return correct;
  }
}
