package io.gapsweep.bench;

import com.typesafe.config.ConfigFactory;
import io.gapsweep.config.Axes;
import io.gapsweep.config.SettingsLoader;
import io.gapsweep.config.SweepSettings;
import io.gapsweep.data.Dataset;
import io.gapsweep.data.SyntheticShapes;
import io.gapsweep.plan.GridExpander;
import io.gapsweep.plan.TrialSpec;
import io.gapsweep.train.EpochMetrics;
import io.gapsweep.train.ExecutorInfo;
import io.gapsweep.train.NativeBackend;
import io.gapsweep.train.TrialResult;
import io.gapsweep.train.TrialRunner;
import io.gapsweep.train.TrialStatus;
import io.gapsweep.train.kernels.Kernels;
import java.util.List;
import org.apache.commons.math3.stat.descriptive.SummaryStatistics;
import org.apache.commons.math3.stat.inference.TTest;

/**
 * The correctness check of {@link Kernels}: the same trials trained on gapsweep's kernels and on
 * DL4J's stock ones. Without dropout both compute the same function and differ only by float
 * rounding (KernelsSuite bounds it per step), which training then grows from step to step; the
 * difference is reported beside the seed-to-seed spread it must stay well inside. With dropout
 * they draw different masks, so their best validation losses over many seeds must agree as two
 * samples of the same distribution (Welch's t-test).
 */
final class CurveEquivalence {

  /** What the comparison found. */
  record Result(
      double largestDifferenceWithoutDropout,
      double bestDifferenceWithoutDropout,
      SummaryStatistics gapsweep,
      SummaryStatistics stock,
      double welchT,
      double welchP) {}

  private CurveEquivalence() {}

  /**
   * @param seeds trials of the dropout configuration, each trained on both kernel sets
   * @param epochs epochs of every trial (early stopping keeps the best one)
   */
  static Result compare(int seeds, int epochs) {
    SweepSettings withDropout = settings(0.25, seeds, epochs);
    Dataset data = SyntheticShapes.generate(withDropout.data());
    SweepSettings without = settings(0.0, 1, epochs);
    TrialSpec plain = GridExpander.expand(without).trials().get(0);
    TrialResult stock = train(without, plain, data, Kernels.DL4J);
    TrialResult mine = train(without, plain, data, Kernels.GAPSWEEP);
    double largest = largestDifference(mine.curve(), stock.curve());
    double best = Math.abs(bestValidationLoss(mine) - bestValidationLoss(stock));
    SummaryStatistics fast = new SummaryStatistics();
    SummaryStatistics dl4j = new SummaryStatistics();
    for (TrialSpec spec : GridExpander.expand(withDropout).trials()) {
      fast.addValue(bestValidationLoss(train(withDropout, spec, data, Kernels.GAPSWEEP)));
      dl4j.addValue(bestValidationLoss(train(withDropout, spec, data, Kernels.DL4J)));
    }
    TTest test = new TTest();
    return new Result(largest, best, fast, dl4j, test.t(fast, dl4j), test.tTest(fast, dl4j));
  }

  /** Largest train or validation loss difference in any epoch; infinite if lengths differ. */
  private static double largestDifference(List<EpochMetrics> a, List<EpochMetrics> b) {
    if (a.size() != b.size()) {
      return Double.POSITIVE_INFINITY;
    }
    double largest = 0;
    for (int e = 0; e < a.size(); e++) {
      largest = Math.max(largest, Math.abs(a.get(e).valLoss() - b.get(e).valLoss()));
      largest = Math.max(largest, Math.abs(a.get(e).trainLoss() - b.get(e).trainLoss()));
    }
    return largest;
  }

  /**
   * Depth 2 on 24x24 synthetic shapes, 120 training images per class (with the demo's 40 the
   * network barely learns, and a best epoch of 1 would make any two kernels look alike), Adam at
   * 0.003, no L2.
   */
  private static SweepSettings settings(double dropout, int seeds, int epochs) {
    String hocon = String.join("\n",
        "gapsweep {",
        "  name = bench-curves",
        "  search-space { depth = [2], dropout = [" + dropout + "], l2 = [0.0],",
        "    augmentation = [none], seeds = " + seeds + " }",
        "  training { learning-rate = 0.003,",
        "    max-epochs = " + epochs + ", patience = " + epochs + " }",
        "  validation.scheme = holdout",
        "  data { source = synthetic, width = 24, height = 24,",
        "    synthetic { train-per-class = 120, validation-per-class = 60 } }",
        "}");
    return SettingsLoader.read(ConfigFactory.parseString(hocon)).settings();
  }

  private static TrialResult train(
      SweepSettings settings, TrialSpec spec, Dataset data, Kernels kernels) {
    ExecutorInfo here = new ExecutorInfo(
        "bench", "localhost", ProcessHandle.current().pid(), NativeBackend.running());
    TrialResult result = TrialRunner.train(spec, settings.training(),
        settings.augmentationPresets().get(spec.value(Axes.AUGMENTATION)), data, 1, here, kernels)
        .result();
    if (result.status() != TrialStatus.COMPLETED) {
      throw new IllegalStateException("Cannot compare kernels: trial " + spec.trialId() + " "
          + result.status() + ": " + result.error());
    }
    return result;
  }

  private static double bestValidationLoss(TrialResult result) {
    return result.curve().get(result.bestEpoch() - 1).valLoss();
  }
}
