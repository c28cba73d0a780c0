package io.gapsweep.bench;

import io.gapsweep.analysis.CompetitiveBand;
import io.gapsweep.analysis.Leaderboard;
import io.gapsweep.bench.SelectionSweep.Configuration;
import io.gapsweep.bench.SelectionSweep.Pick;
import io.gapsweep.config.SweepSettings;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The selection rules {@link SelectionSweep} compares, and how a rule's pick is scored on the test
 * split. Each rule draws a band with {@link CompetitiveBand} and orders it; the scoring (regret,
 * test rank, gap against the grid's median) never feeds back into any rule.
 */
final class SelectionRules {

  private SelectionRules() {}

  /** How a band's members are ordered to find rank 1. */
  enum Order {
    /** Smallest mean gap first: {@link CompetitiveBand}'s own ranking. */
    SMALLEST_GAP,
    /** Highest mean validation accuracy (then lowest loss). */
    HIGHEST_ACCURACY,
    /**
     * Lowest mean loss among the band's members whose gap is at most the grid's median gap (the
     * lowest loss of the band when none is): the gap as a filter inside a statistical tie, loss
     * as the order.
     */
    LOWEST_LOSS_GAP_BELOW_MEDIAN
  }

  /** A rule: a band, then an order inside it. */
  record Named(String name, CompetitiveBand.Rule band, Order order) {}

  static final List<Named> ALL = List.of(
      new Named("min validation loss", new CompetitiveBand.MinimumLoss(), Order.SMALLEST_GAP),
      new Named("max validation accuracy", new CompetitiveBand.AccuracyTolerance(0),
          Order.HIGHEST_ACCURACY),
      new Named("accuracy tolerance 0.05, then smallest gap (old default)",
          new CompetitiveBand.AccuracyTolerance(0.05), Order.SMALLEST_GAP),
      new Named("1-SE ×1 (paired), then smallest gap",
          new CompetitiveBand.OneStandardError(1), Order.SMALLEST_GAP),
      new Named("1-SE ×0.5 (paired), then smallest gap",
          new CompetitiveBand.OneStandardError(0.5), Order.SMALLEST_GAP),
      new Named("paired t-test α 0.05, then smallest gap",
          new CompetitiveBand.PairedTTest(0.05), Order.SMALLEST_GAP),
      new Named("paired t-test α 0.2, then smallest gap",
          new CompetitiveBand.PairedTTest(0.2), Order.SMALLEST_GAP),
      new Named("1-SE ×1 band, gap ≤ grid median, then lowest loss",
          new CompetitiveBand.OneStandardError(1), Order.LOWEST_LOSS_GAP_BELOW_MEDIAN),
      new Named("t-test α 0.05 band, gap ≤ grid median, then lowest loss",
          new CompetitiveBand.PairedTTest(0.05), Order.LOWEST_LOSS_GAP_BELOW_MEDIAN),
      new Named("no band: gap ≤ grid median, then lowest loss",
          new CompetitiveBand.OneStandardError(Double.POSITIVE_INFINITY),
          Order.LOWEST_LOSS_GAP_BELOW_MEDIAN));

  /**
   * The rule the leaderboard of {@code settings} applies (reference.conf's unless overridden): its
   * band, then the smallest gap, as {@code gapsweep run} ranks. The name says which band.
   */
  static Named defaultRule(SweepSettings settings) {
    CompetitiveBand.Rule band = Leaderboard.rule(settings.leaderboard());
    return new Named("the leaderboard's rule (" + band + "), then smallest gap", band,
        Order.SMALLEST_GAP);
  }

  /** The grid's configurations with what scores a pick: test accuracies and the median gap. */
  record Scores(List<Configuration> configurations, double bestTestAcc, double medianGap,
      Map<String, Integer> testRank) {

    Pick pick(Named rule) {
      List<CompetitiveBand.Candidate> candidates = configurations.stream()
          .map(c -> new CompetitiveBand.Candidate(c.key(), c.losses(), c.valAcc(), c.gap()))
          .toList();
      List<CompetitiveBand.Standing> band = CompetitiveBand.rank(candidates, rule.band()).stream()
          .filter(CompetitiveBand.Standing::competitive)
          .toList();
      CompetitiveBand.Standing first = switch (rule.order()) {
        case SMALLEST_GAP -> band.get(0);
        case HIGHEST_ACCURACY -> band.stream()
            .min(Comparator.comparingDouble((CompetitiveBand.Standing s) -> -s.accuracy())
                .thenComparingDouble(CompetitiveBand.Standing::meanLoss)
                .thenComparing(CompetitiveBand.Standing::key))
            .orElseThrow();
        case LOWEST_LOSS_GAP_BELOW_MEDIAN -> {
          Comparator<CompetitiveBand.Standing> byLoss =
              Comparator.comparingDouble(CompetitiveBand.Standing::meanLoss)
                  .thenComparing(CompetitiveBand.Standing::key);
          yield band.stream().filter(s -> s.gap() <= medianGap).min(byLoss)
              .orElseGet(() -> band.stream().min(byLoss).orElseThrow());
        }
      };
      Configuration chosen = configurations.stream()
          .filter(c -> c.key().equals(first.key())).findFirst().orElseThrow();
      return new Pick(rule.name(), chosen.key(), chosen.label(), band.size(),
          100 * (bestTestAcc - chosen.testAcc()), testRank.get(chosen.key()), chosen.gap(),
          chosen.gap() < medianGap);
    }
  }

  static Scores scores(List<Configuration> configurations) {
    if (configurations.isEmpty()) {
      throw new IllegalArgumentException(
          "Cannot score selection rules: no configuration completed all its trials");
    }
    double best = configurations.stream().mapToDouble(Configuration::testAcc).max().orElseThrow();
    Map<String, Integer> rank = new HashMap<>();
    for (Configuration c : configurations) {
      int better = (int) configurations.stream().filter(o -> o.testAcc() > c.testAcc()).count();
      rank.put(c.key(), better + 1);
    }
    return new Scores(List.copyOf(configurations), best,
        median(configurations.stream().mapToDouble(Configuration::gap).toArray()), Map.copyOf(rank));
  }

  static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  /** Spearman's rank correlation (average ranks on ties). */
  static double spearman(double[] x, double[] y) {
    double[] rx = ranks(x);
    double[] ry = ranks(y);
    double mx = Arrays.stream(rx).average().orElse(0);
    double my = Arrays.stream(ry).average().orElse(0);
    double sxy = 0;
    double sxx = 0;
    double syy = 0;
    for (int i = 0; i < x.length; i++) {
      sxy += (rx[i] - mx) * (ry[i] - my);
      sxx += (rx[i] - mx) * (rx[i] - mx);
      syy += (ry[i] - my) * (ry[i] - my);
    }
    return sxy / Math.sqrt(sxx * syy);
  }

  private static double[] ranks(double[] values) {
    Integer[] order = new Integer[values.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, Comparator.comparingDouble(i -> values[i]));
    double[] ranks = new double[values.length];
    for (int i = 0; i < order.length; ) {
      int j = i;
      while (j + 1 < order.length && values[order[j + 1]] == values[order[i]]) {
        j++;
      }
      for (int m = i; m <= j; m++) {
        ranks[order[m]] = (i + j) / 2.0 + 1;
      }
      i = j + 1;
    }
    return ranks;
  }
}
