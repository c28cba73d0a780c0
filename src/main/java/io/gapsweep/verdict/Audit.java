package io.gapsweep.verdict;

import io.gapsweep.config.Axes;
import io.gapsweep.config.Axis;
import io.gapsweep.config.SweepSettings;
import io.gapsweep.data.LoadedDataset;
import io.gapsweep.dispatch.DistributedEvaluation;
import io.gapsweep.plan.SweepPlan;
import io.gapsweep.store.OutputFolder;
import io.gapsweep.store.ResultSchema;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * The selection audit, post-hoc: every configuration with a completed trial is refit by the
 * recommendation's policy ({@link Refits}) and tested on the test split, so a user can see on
 * their own data how the selection rule did: the recommendation's rank by test accuracy and its
 * regret (the best test accuracy in the grid minus its own). It says how the rule did on this
 * test split; it must not be used to pick another configuration, or the test split stops being
 * held out.
 */
public final class Audit {

  /**
   * One configuration's line of the audit.
   *
   * @param candidate the configuration, its leaderboard standing and refit epochs
   * @param score its refit's test score
   * @param rankOnTest 1 + the configurations with a strictly higher test accuracy
   * @param regret the best test accuracy of the audit minus this one's
   * @param versusBest the best configuration's accuracy minus this one's on the same test images,
   *     with its paired interval; empty for the best itself
   */
  public record Entry(Candidate candidate, TestScore score, int rankOnTest, double regret,
      Optional<PairedDifference> versusBest) {

    public boolean recommended() {
      return candidate.rank() != null && candidate.rank() == 1;
    }
  }

  /**
   * The audit's outcome.
   *
   * @param entries one per configuration, in leaderboard order
   * @param line what the console says
   */
  public record Result(List<Entry> entries, String line) {}

  private Audit() {}

  /**
   * Audits the sweep whose leaderboard is registered and writes the {@code audit} table into
   * {@code folder} (also registered as a view). Without a test split nothing is written.
   *
   * @param threads ND4J threads per refit task, as the sweep's trials
   */
  public static Result run(SparkSession spark, SweepSettings settings, SweepPlan plan,
      LoadedDataset loaded, int threads, OutputFolder folder) {
    if (!loaded.hasTest()) {
      return new Result(List.of(), "No audit: the data has no test split");
    }
    List<Candidate> candidates = Refits.candidates(spark, settings, plan, true);
    if (candidates.isEmpty()) {
      return new Result(List.of(), "No audit: no configuration has a completed trial");
    }
    List<MultiLayerNetwork> networks =
        Refits.train(spark, settings, loaded.dataset(), candidates, threads, folder);
    List<TestScore> scores = new ArrayList<>();
    List<boolean[]> outcomes = new ArrayList<>();
    for (int i = 0; i < candidates.size(); i++) {
      TestScore score =
          HeldOutTest.evaluate(spark, settings, candidates.get(i), networks.get(i), loaded);
      boolean[] right = DistributedEvaluation.correctByExample(networks.get(i), loaded.test(),
          loaded.dataset().classCount(), HeldOutTest.batchSize(settings, candidates.get(i)));
      int counted = 0;
      for (boolean r : right) {
        counted += r ? 1 : 0;
      }
      if (counted != score.correct()) {
        throw new IllegalStateException("The audit of " + candidates.get(i).configId()
            + " counted " + counted + " correct test images one by one and " + score.correct()
            + " with dl4j-spark's evaluation");
      }
      scores.add(score);
      outcomes.add(right);
    }
    List<Entry> entries = entries(candidates, scores, outcomes);
    folder.writeTable(spark, ResultSchema.AUDIT, entries.stream().map(Audit::row).toList(),
        ResultSchema.AUDIT_SCHEMA);
    return new Result(entries, line(entries));
  }

  /**
   * Ranks {@code scores} by test accuracy and measures each one's regret, paired against the
   * first configuration of the best accuracy with {@code outcomes} (per test image, whether it
   * was classified correctly).
   */
  static List<Entry> entries(List<Candidate> candidates, List<TestScore> scores,
      List<boolean[]> outcomes) {
    double best = scores.stream().mapToDouble(TestScore::accuracy).max().orElse(Double.NaN);
    int top = 0;
    while (scores.get(top).accuracy() != best) {
      top++;
    }
    List<Entry> entries = new ArrayList<>();
    for (int i = 0; i < candidates.size(); i++) {
      double accuracy = scores.get(i).accuracy();
      int above = (int) scores.stream().filter(s -> s.accuracy() > accuracy).count();
      Optional<PairedDifference> versusBest = i == top ? Optional.empty()
          : Optional.of(PairedDifference.of(outcomes.get(top), outcomes.get(i)));
      entries.add(new Entry(candidates.get(i), scores.get(i), 1 + above, best - accuracy,
          versusBest));
    }
    return entries;
  }

  /**
   * E.g. {@code Audit (post-hoc: every configuration refit and tested): the recommendation ranks 2
   * of 16 on test; regret 0.8 points (paired 95% CI -0.4 to 2.0, n = 1,200; best: depth 1, ...
   * 0.882).}
   */
  static String line(List<Entry> entries) {
    Entry best = entries.stream().filter(e -> e.rankOnTest() == 1).findFirst().orElseThrow();
    String prefix = "Audit (post-hoc: every configuration refit and tested): ";
    String bestText = String.format(Locale.ROOT, "best: %s %.3f", best.candidate().label(),
        best.score().accuracy());
    return entries.stream().filter(Entry::recommended).findFirst()
        .map(r -> prefix + String.format(Locale.ROOT,
            "the recommendation ranks %d of %d on test; regret %.1f points (%s%s).",
            r.rankOnTest(), entries.size(), 100 * r.regret(), r.versusBest().map(d -> String.format(
                Locale.ROOT, "paired 95%% CI %.1f to %.1f, n = %,d; ", 100 * d.low(),
                100 * d.high(), d.examples())).orElse(""), bestText))
        .orElse(prefix + "no configuration is recommended (" + bestText + ").");
  }

  private static Row row(Entry entry) {
    Candidate candidate = entry.candidate();
    TestScore score = entry.score();
    List<Object> values = new ArrayList<>();
    values.add(candidate.configId());
    for (Axis<?> axis : Axes.ALL) {
      values.add(HeldOutTest.axisValue(candidate.spec(), axis));
    }
    values.addAll(Arrays.asList(candidate.rank(), candidate.competitive(), entry.recommended(),
        candidate.valLoss(), candidate.gap(), candidate.epochs(), score.examples(),
        score.accuracy(), score.ciLow(), score.ciHigh(), score.loss(), entry.rankOnTest(),
        entry.regret(), entry.versusBest().map(PairedDifference::low).orElse(null),
        entry.versusBest().map(PairedDifference::high).orElse(null)));
    return RowFactory.create(values.toArray());
  }
}
