package io.gapsweep.dispatch;

import java.math.BigDecimal;
import org.nd4j.evaluation.BaseEvaluation;
import org.nd4j.evaluation.IMetric;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Mean cross-entropy of softmax outputs against one-hot labels, without the L1/L2 penalty that
 * {@code calculateScore} and {@code net.score()} add (stack.md): the loss trials report.
 *
 * <p>The sum is exact ({@link BigDecimal} of each double), so partitions merged in any order give
 * the same bits as one local pass: a distributed evaluation can equal a local one exactly.
 */
final class CleanLoss extends BaseEvaluation<CleanLoss> {

  /** DL4J's MCXENT clips softmax outputs at this value too (as train/CleanEvaluation). */
  private static final double CLIP = 1e-10;

  private BigDecimal sum = BigDecimal.ZERO;
  private long count;
  /** A NaN output makes the mean NaN, as divergence must show. */
  private boolean nan;

  @Override
  public void eval(INDArray labels, INDArray predictions, INDArray mask,
      java.util.List<? extends java.io.Serializable> recordMetaData) {
    int rows = (int) predictions.rows();
    int classes = (int) predictions.columns();
    float[] p = predictions.dup('c').data().asFloat();
    float[] y = labels.dup('c').data().asFloat();
    for (int r = 0; r < rows; r++) {
      int label = 0;
      for (int k = 1; k < classes; k++) {
        if (y[r * classes + k] > y[r * classes + label]) {
          label = k;
        }
      }
      double truth = p[r * classes + label];
      if (Double.isNaN(truth)) {
        nan = true;
      } else {
        sum = sum.add(new BigDecimal(-Math.log(Math.max(truth, CLIP))));
      }
      count++;
    }
  }

  @Override
  public void merge(CleanLoss other) {
    sum = sum.add(other.sum);
    count += other.count;
    nan |= other.nan;
  }

  @Override
  public void reset() {
    sum = BigDecimal.ZERO;
    count = 0;
    nan = false;
  }

  /** Mean loss per image; NaN when no image was seen or an output was NaN. */
  double mean() {
    if (nan || count == 0) {
      return Double.NaN;
    }
    return sum.divide(BigDecimal.valueOf(count), java.math.MathContext.DECIMAL128).doubleValue();
  }

  long count() {
    return count;
  }

  @Override
  public String stats() {
    return "clean loss " + mean() + " over " + count + " images";
  }

  @Override
  public double getValue(IMetric metric) {
    return mean();
  }

  @Override
  public CleanLoss newInstance() {
    return new CleanLoss();
  }
}
