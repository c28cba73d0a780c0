package io.gapsweep.verdict;

import io.gapsweep.config.Axes;
import io.gapsweep.config.Axis;
import io.gapsweep.config.SweepSettings;
import io.gapsweep.data.Dataset;
import io.gapsweep.data.ImageSet;
import io.gapsweep.data.LoadedDataset;
import io.gapsweep.dispatch.DistributedEvaluation;
import io.gapsweep.plan.SweepPlan;
import io.gapsweep.plan.TrialSpec;
import io.gapsweep.store.OutputFolder;
import io.gapsweep.store.ResultSchema;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * The held-out test of the recommendation, once the leaderboard has chosen it: the rank-1
 * configuration is refit ({@link Refits}) and evaluated once on the test split with dl4j-spark
 * over an RDD ({@link DistributedEvaluation}), and the {@code test_results} table is written.
 *
 * <p>Nothing here runs before the ranking is final, and nothing it computes reaches a trial, the
 * curves or the leaderboard: the test images stay on the driver until this evaluation.
 */
public final class HeldOutTest {

  /**
   * What the held-out test gave.
   *
   * @param result the test of the recommendation, empty when there was none
   * @param line what the console says about it
   */
  public record Outcome(Optional<TestResult> result, String line) {}

  private HeldOutTest() {}

  /**
   * Tests the recommendation of the registered leaderboard on {@code loaded}'s test split and
   * writes {@code test_results} into {@code folder} (also registered as a view). Without a test
   * split or a ranked configuration, writes nothing and says why.
   *
   * @param threads ND4J threads of a local refit, as the sweep's trials
   */
  public static Outcome run(SparkSession spark, SweepSettings settings, SweepPlan plan,
      LoadedDataset loaded, int threads, OutputFolder folder) {
    if (!loaded.hasTest()) {
      return new Outcome(Optional.empty(), "No held-out test: the data has no test split (a test/"
          + " folder beside train/ and validation/, or gapsweep.data.synthetic.test-per-class)");
    }
    List<Candidate> recommended = Refits.candidates(spark, settings, plan, false);
    if (recommended.isEmpty()) {
      return new Outcome(Optional.empty(),
          "No held-out test: no configuration is ranked, so none is recommended");
    }
    Candidate candidate = recommended.get(0);
    String mode = settings.refit().mode().configName();
    Optional<TestResult> kept = kept(spark, folder, candidate, mode, loaded.test());
    if (kept.isPresent()) {
      return new Outcome(kept, kept.get().line());
    }
    MultiLayerNetwork network = Refits.train(spark, settings, loaded.dataset(), recommended,
        threads, folder).get(0);
    TestScore score = evaluate(spark, settings, candidate, network, loaded);
    TestResult result = new TestResult(candidate, mode, score);
    folder.writeTable(spark, ResultSchema.TEST_RESULTS, List.of(row(result)),
        ResultSchema.TEST_RESULTS_SCHEMA);
    return new Outcome(Optional.of(result), result.line());
  }

  /**
   * The test a previous run of this sweep already measured, when it is the one this run would
   * measure: the same configuration at the same rank, refit by the same policy (so the same
   * epochs from the same trials) and mode, on a test split of the same images per class. A resume
   * with nothing left to train then costs no refit; the refit is deterministic, so measuring
   * again would give the same row.
   */
  static Optional<TestResult> kept(SparkSession spark, OutputFolder folder, Candidate candidate,
      String mode, ImageSet test) {
    if (!folder.has(ResultSchema.TEST_RESULTS)) {
      return Optional.empty();
    }
    List<Row> rows = spark.read().parquet(folder.qualified(folder.path(ResultSchema.TEST_RESULTS)))
        .collectAsList();
    if (rows.size() != 1) {
      return Optional.empty();
    }
    Row row = rows.get(0);
    int[][] confusion = confusion(row);
    int[] perClass = new int[confusion.length];
    for (int label : test.labels()) {
      if (label >= perClass.length) {
        return Optional.empty();
      }
      perClass[label]++;
    }
    boolean same = row.getAs("config_id").equals(candidate.configId())
        && row.<Integer>getAs("rank").equals(candidate.rank())
        && row.getAs("policy").equals(candidate.policy())
        && row.getAs("refit_mode").equals(mode)
        && row.<Integer>getAs("examples") == test.count()
        && Arrays.equals(new DistributedEvaluation.Result(
            test.count(), Double.NaN, Double.NaN, confusion).countPerClass(), perClass);
    if (!same) {
      return Optional.empty();
    }
    DistributedEvaluation.Result evaluation = new DistributedEvaluation.Result(
        row.<Integer>getAs("examples"), row.<Double>getAs("test_acc"),
        row.<Double>getAs("test_loss"), confusion);
    return Optional.of(new TestResult(candidate, mode, new TestScore(evaluation,
        row.<Double>getAs("test_acc_ci_low"), row.<Double>getAs("test_acc_ci_high"))));
  }

  /** The {@code confusion} column of a {@code test_results} row: actual class, then predicted. */
  private static int[][] confusion(Row row) {
    List<Object> actual = row.getList(row.fieldIndex("confusion"));
    int[][] confusion = new int[actual.size()][];
    for (int a = 0; a < confusion.length; a++) {
      scala.collection.Seq<?> predicted = (scala.collection.Seq<?>) actual.get(a);
      confusion[a] = new int[predicted.size()];
      for (int p = 0; p < confusion[a].length; p++) {
        confusion[a][p] = (Integer) predicted.apply(p);
      }
    }
    return confusion;
  }

  /** {@code network}'s score on the test split, evaluated by Spark executors. */
  static TestScore evaluate(SparkSession spark, SweepSettings settings, Candidate candidate,
      MultiLayerNetwork network, LoadedDataset loaded) {
    Dataset data = loaded.dataset();
    ImageSet test = loaded.test();
    return TestScore.of(DistributedEvaluation.evaluate(spark, network, test, data.classCount(),
        batchSize(settings, candidate)));
  }

  /** The batch size {@code candidate} trained with, which its evaluation uses too. */
  static int batchSize(SweepSettings settings, Candidate candidate) {
    return Axes.training(candidate.spec().params(), settings.training()).batchSize();
  }

  /** {@code spec}'s value on {@code axis}, for a row. */
  static <T extends Comparable<T>> T axisValue(TrialSpec spec, Axis<T> axis) {
    return spec.value(axis);
  }

  /** The {@code test_results} row of {@code result}, fields in schema order. */
  static Row row(TestResult result) {
    Candidate candidate = result.candidate();
    TestScore score = result.score();
    List<Object> values = new ArrayList<>();
    values.add(candidate.configId());
    values.add(candidate.rank());
    for (Axis<?> axis : Axes.ALL) {
      values.add(axisValue(candidate.spec(), axis));
    }
    int[] counts = score.evaluation().countPerClass();
    int[] correct = score.evaluation().correctPerClass();
    List<Double> perClass = new ArrayList<>();
    for (int c = 0; c < counts.length; c++) {
      perClass.add(counts[c] == 0 ? null : (double) correct[c] / counts[c]);
    }
    List<List<Integer>> confusion = new ArrayList<>();
    for (int[] actual : score.evaluation().confusion()) {
      confusion.add(Arrays.stream(actual).boxed().toList());
    }
    values.addAll(Arrays.asList(candidate.policy(), result.refitMode(), candidate.epochs(),
        score.examples(), score.correct(), score.accuracy(), score.ciLow(), score.ciHigh(),
        score.loss(), perClass, confusion));
    return RowFactory.create(values.toArray());
  }
}
