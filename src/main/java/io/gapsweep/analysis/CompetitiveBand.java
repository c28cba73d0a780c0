package io.gapsweep.analysis;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import org.apache.commons.math3.stat.inference.TTest;

/**
 * Which configurations are statistically as good as the best one, and their ranking: the
 * competitive band, computed from per-example validation losses. Pure arithmetic over arrays; the
 * sweep feeds it, the leaderboard shows it.
 *
 * <p><b>Input.</b> For each configuration, one loss per validation example, the same examples in
 * the same order for every configuration: the clean cross-entropy of the example at the kept epoch,
 * averaged over the configuration's seeds (with k-fold, each example's loss comes from the fold
 * that held it out, so every example of the pool counts once per repeat). Plus the configuration's
 * mean validation accuracy (for the old rule) and mean generalization gap (for the ranking).
 *
 * <p><b>Statistics</b> (n examples; sample standard deviations, n - 1 in the denominator):
 *
 * <ul>
 *   <li>{@code meanLoss}, and {@code lossSe = sd(losses) / sqrt(n)}: how well the configuration's
 *       mean is known on its own.
 *   <li>The best configuration is the one of lowest {@code meanLoss} (the first by key on ties).
 *   <li>For every configuration c, the paired differences {@code d_i = loss_c,i - loss_best,i}:
 *       {@code difference = mean(d)}, {@code differenceSe = sd(d) / sqrt(n)} and {@code distance =
 *       difference / differenceSe}, the difference in standard errors (0 for the best, infinite for
 *       a positive difference with no spread). Pairing removes what the examples have in common
 *       (an image that is hard for every configuration), so the difference is known far better than
 *       either mean: comparing {@code meanLoss ± lossSe} intervals would be much more lenient.
 *   <li>{@code pValue}: one-sided paired t-test of "c is worse than the best" (H0: mean d = 0, H1:
 *       mean d &gt; 0), {@code P(T_{n-1} >= t)} with {@code t = distance}, from Apache Commons Math's
 *       {@link TTest#pairedTTest(double[], double[])} (two-sided p halved on the side of t). 1 for
 *       the best.
 * </ul>
 *
 * <p><b>Rules</b> for who is competitive (the best always is):
 *
 * <ul>
 *   <li>{@link OneStandardError}: {@code difference <= multiple · differenceSe}. The one-standard-
 *       error rule of Breiman, Friedman, Olshen and Stone (Classification and Regression Trees,
 *       1984, §3.4.3) as glmnet applies it ({@code getOptcv.glmnet}: {@code lambda.1se} is the
 *       largest lambda with {@code cvm <= cvm[min] + cvsd[min]}) and scikit-learn's example {@code
 *       plot_grid_search_refit_callable.py} does with {@code refit=callable}. They use the standard
 *       error (scikit-learn: the standard deviation over folds) of the best's own estimate; here it
 *       is the standard error of the paired difference, since every configuration is scored on the
 *       same examples.
 *   <li>{@link PairedTTest}: {@code pValue >= alpha}, i.e. not significantly worse at level alpha,
 *       one configuration at a time (no correction for multiple comparisons: the band is meant to
 *       be inclusive).
 *   <li>{@link AccuracyTolerance}: the rule of gapsweep's first leaderboard, {@code accuracy >=
 *       max(accuracy) - tolerance} (1e-9 slack), kept to measure the new rules against.
 *   <li>{@link MinimumLoss}: only the configurations of lowest mean loss (plain model selection by
 *       validation loss, Optuna's {@code study.best_trial}); ranking by gap then has nothing to
 *       choose from.
 * </ul>
 *
 * <p><b>Ranking.</b> Competitive configurations get ranks 1..k by mean generalization gap, smallest
 * first (then mean loss, then key): inside a statistical tie of validation loss, the gap decides.
 * The others follow unranked, by mean loss (then key).
 */
public final class CompetitiveBand {

  /**
   * Name of the temp view of the band's statistics, one row per configuration; {@link
   * Leaderboard#compute} registers it before the leaderboard, which joins it.
   */
  public static final String VIEW = "competitive_band";

  /** Slack on the accuracy threshold, far below one image's worth of accuracy. */
  static final double ACCURACY_SLACK = 1e-9;

  private CompetitiveBand() {}

  /**
   * One configuration's evidence.
   *
   * @param key the configuration id; orders ties
   * @param losses per-example validation loss, averaged over seeds, in the shared example order
   * @param accuracy mean validation accuracy
   * @param gap mean generalization gap (validation loss minus training loss at the kept epoch)
   */
  public record Candidate(String key, double[] losses, double accuracy, double gap) {
    public Candidate {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(losses, "losses");
    }

    double meanLoss() {
      return mean(losses);
    }
  }

  /** How the band is drawn. */
  public sealed interface Rule permits OneStandardError, PairedTTest, AccuracyTolerance,
      MinimumLoss {}

  /** Competitive when the paired difference is at most {@code multiple} standard errors. */
  public record OneStandardError(double multiple) implements Rule {}

  /** Competitive unless a one-sided paired t-test finds it worse at level {@code alpha}. */
  public record PairedTTest(double alpha) implements Rule {}

  /** Competitive when its accuracy is within {@code tolerance} of the best accuracy. */
  public record AccuracyTolerance(double tolerance) implements Rule {}

  /** Only the lowest mean validation loss is competitive. */
  public record MinimumLoss() implements Rule {}

  /**
   * Where one configuration stands.
   *
   * @param key its configuration id
   * @param n examples
   * @param meanLoss mean validation loss
   * @param lossSe standard error of {@code meanLoss}
   * @param difference mean paired difference to the best's loss (0 for the best)
   * @param differenceSe standard error of {@code difference}
   * @param distance {@code difference / differenceSe}, 0 when both are 0
   * @param pValue one-sided paired t-test p-value of being worse than the best
   * @param accuracy mean validation accuracy, as given
   * @param gap mean generalization gap, as given
   * @param best whether it is the configuration of lowest mean loss
   * @param competitive whether the rule puts it in the band
   * @param rank 1.. inside the band, null outside
   */
  public record Standing(
      String key,
      int n,
      double meanLoss,
      double lossSe,
      double difference,
      double differenceSe,
      double distance,
      double pValue,
      double accuracy,
      double gap,
      boolean best,
      boolean competitive,
      Integer rank) {}

  /**
   * Every candidate's standing under the rule, ranked: the band first (rank 1 is the
   * recommendation), then the rest by mean loss.
   *
   * @throws IllegalArgumentException when there are no candidates, fewer than two examples, loss
   *     arrays of different lengths, or a loss that is not finite
   */
  public static List<Standing> rank(List<Candidate> candidates, Rule rule) {
    Objects.requireNonNull(rule, "rule");
    if (candidates.isEmpty()) {
      throw new IllegalArgumentException("Cannot draw the competitive band: no configuration");
    }
    int n = candidates.get(0).losses().length;
    for (Candidate c : candidates) {
      if (c.losses().length != n) {
        throw new IllegalArgumentException(
            "Cannot draw the competitive band: configuration " + c.key() + " has "
                + c.losses().length + " example losses, " + candidates.get(0).key() + " has " + n);
      }
      for (double loss : c.losses()) {
        if (!Double.isFinite(loss)) {
          throw new IllegalArgumentException(
              "Cannot draw the competitive band: configuration " + c.key()
                  + " has a non-finite example loss " + loss);
        }
      }
    }
    if (n < 2) {
      throw new IllegalArgumentException(
          "Cannot draw the competitive band: a standard error needs at least 2 examples, got "
              + n);
    }

    Candidate best = candidates.stream()
        .min(Comparator.comparingDouble(Candidate::meanLoss).thenComparing(Candidate::key))
        .orElseThrow();
    double bestLoss = best.meanLoss();
    double bestAccuracy = candidates.stream().mapToDouble(Candidate::accuracy).max().orElseThrow();
    TTest tTest = new TTest();

    List<Standing> unranked = new ArrayList<>();
    for (Candidate c : candidates) {
      double meanLoss = c.meanLoss();
      double[] d = new double[n];
      for (int i = 0; i < n; i++) {
        d[i] = c.losses()[i] - best.losses()[i];
      }
      double difference = mean(d);
      double differenceSe = standardError(d);
      double distance;
      double pValue;
      if (differenceSe == 0) {
        // Identical losses (the best itself) or a constant shift: no spread to test against.
        distance = difference == 0 ? 0 : Math.copySign(Double.POSITIVE_INFINITY, difference);
        pValue = difference > 0 ? 0 : 1;
      } else {
        distance = difference / differenceSe;
        double twoSided = tTest.pairedTTest(c.losses(), best.losses());
        pValue = distance > 0 ? twoSided / 2 : 1 - twoSided / 2;
      }
      boolean isBest = c == best;
      boolean competitive;
      if (isBest) {
        competitive = true;
      } else if (rule instanceof OneStandardError r) {
        competitive = difference <= r.multiple() * differenceSe;
      } else if (rule instanceof PairedTTest r) {
        competitive = pValue >= r.alpha();
      } else if (rule instanceof AccuracyTolerance r) {
        competitive = c.accuracy() >= bestAccuracy - r.tolerance() - ACCURACY_SLACK;
      } else {
        competitive = meanLoss == bestLoss;
      }
      unranked.add(new Standing(c.key(), n, meanLoss, standardError(c.losses()), difference,
          differenceSe, distance, pValue, c.accuracy(), c.gap(), isBest, competitive, null));
    }

    List<Standing> band = unranked.stream()
        .filter(Standing::competitive)
        .sorted(Comparator.comparingDouble(Standing::gap)
            .thenComparingDouble(Standing::meanLoss)
            .thenComparing(Standing::key))
        .toList();
    List<Standing> rest = unranked.stream()
        .filter(s -> !s.competitive())
        .sorted(Comparator.comparingDouble(Standing::meanLoss).thenComparing(Standing::key))
        .toList();
    List<Standing> ranked = new ArrayList<>(unranked.size());
    for (Standing s : band) {
      ranked.add(new Standing(s.key(), s.n(), s.meanLoss(), s.lossSe(), s.difference(),
          s.differenceSe(), s.distance(), s.pValue(), s.accuracy(), s.gap(), s.best(), true,
          ranked.size() + 1));
    }
    ranked.addAll(rest);
    return List.copyOf(ranked);
  }

  static double mean(double[] values) {
    double sum = 0;
    for (double v : values) {
      sum += v;
    }
    return sum / values.length;
  }

  /** Sample standard deviation over sqrt(n). */
  static double standardError(double[] values) {
    double mean = mean(values);
    double squares = 0;
    for (double v : values) {
      squares += (v - mean) * (v - mean);
    }
    return Math.sqrt(squares / (values.length - 1) / values.length);
  }
}
