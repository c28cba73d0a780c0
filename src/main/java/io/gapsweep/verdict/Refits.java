package io.gapsweep.verdict;

import io.gapsweep.config.Axes;
import io.gapsweep.config.Axis;
import io.gapsweep.config.RefitSettings;
import io.gapsweep.config.SweepSettings;
import io.gapsweep.config.TrainingSettings;
import io.gapsweep.analysis.Leaderboard;
import io.gapsweep.data.Dataset;
import io.gapsweep.data.ImageSet;
import io.gapsweep.dispatch.DataParallelRefit;
import io.gapsweep.plan.SweepPlan;
import io.gapsweep.plan.TrialSpec;
import io.gapsweep.store.OutputFolder;
import io.gapsweep.train.ImageShape;
import io.gapsweep.train.NetworkFactory;
import io.gapsweep.train.TrainingBatches;
import io.gapsweep.train.TrialRunner;
import io.gapsweep.train.kernels.Kernels;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.dataset.DataSet;

/**
 * The refit policy shared by the held-out test and the audit: which configurations, for how many
 * epochs, on what, and where they train.
 *
 * <p>A configuration is retrained on all the labelled non-test images (training and validation;
 * under k-fold that is the pool the folds were cut from) for the rounded mean best epoch of its
 * completed trials, with the seed of its seed-index-0 trial, its augmentation preset and all its
 * training settings, without validation or early stopping. The refit uses the trials' own
 * training code ({@link TrialRunner#refit}); test images never reach it.
 */
public final class Refits {

  private Refits() {}

  /**
   * The configurations of the registered {@value Leaderboard#VIEW} view that have a completed
   * trial, in leaderboard order (rank 1 first); only rank 1 unless {@code all}.
   */
  public static List<Candidate> candidates(
      SparkSession spark, SweepSettings settings, SweepPlan plan, boolean all) {
    Map<String, TrialSpec> firstSeed = new HashMap<>();
    for (TrialSpec spec : plan.trials()) {
      if (spec.seedIndex() == 0 && spec.fold() == 0) {
        firstSeed.put(spec.configId(), spec);
      }
    }
    List<Row> board = spark.table(Leaderboard.VIEW).collectAsList();
    List<Axis<?>> axes = Leaderboard.shownAxes(board);
    List<Candidate> candidates = new ArrayList<>();
    for (Row row : board) {
      Integer rank = row.getAs("rank");
      Double bestEpoch = row.getAs("best_epoch_mean");
      if (bestEpoch == null || (!all && (rank == null || rank != 1))) {
        continue;
      }
      String configId = row.getAs("config_id");
      TrialSpec spec = firstSeed.get(configId);
      if (spec == null) {
        throw new IllegalStateException("Cannot refit configuration " + configId
            + ": the plan has no trial of seed index 0 for it");
      }
      candidates.add(new Candidate(spec,
          settings.augmentationPresets().get(spec.value(Axes.AUGMENTATION)), rank,
          row.<Boolean>getAs("competitive"), row.getAs("val_loss_mean"), row.getAs("gap_mean"),
          row.<Integer>getAs("completed"), Candidate.epochs(bestEpoch),
          Candidate.label(spec, axes)));
    }
    return candidates;
  }

  /**
   * Refits every candidate as {@code settings.refit()} says and returns the networks, in the
   * order of {@code candidates}, with DL4J's own layers (ready for {@code
   * DistributedEvaluation}).
   *
   * <p>{@code local}: one Spark task per candidate, all in one job, the dataset broadcast as the
   * sweep broadcasts it; each network comes back to the driver as a model zip. {@code
   * data-parallel}: one candidate after the other, each across every executor with dl4j-spark's
   * parameter averaging, its batches exported under {@code folder} while it trains.
   *
   * @param threads ND4J threads per task, as the sweep's trials (the same count gives the same
   *     numbers)
   */
  public static List<MultiLayerNetwork> train(SparkSession spark, SweepSettings settings,
      Dataset data, List<Candidate> candidates, int threads, OutputFolder folder) {
    if (candidates.isEmpty()) {
      return List.of();
    }
    RefitSettings refit = settings.refit();
    return switch (refit.mode()) {
      case LOCAL -> local(spark, settings.training(), data, candidates, threads);
      case DATA_PARALLEL -> candidates.stream()
          .map(c -> dataParallel(spark, settings.training(), refit, data, c, folder))
          .toList();
    };
  }

  /** All the labelled images that are not test images: what a refit trains on. */
  static ImageSet nonTest(Dataset data) {
    return data.train().concat(data.validation());
  }

  private static List<MultiLayerNetwork> local(SparkSession spark, TrainingSettings training,
      Dataset data, List<Candidate> candidates, int threads) {
    JavaSparkContext context = JavaSparkContext.fromSparkContext(spark.sparkContext());
    Broadcast<Dataset> shared = context.broadcast(new Dataset(data.classes(), data.train(),
        data.validation()));
    try {
      List<byte[]> zips = context.parallelize(candidates, candidates.size())
          .map(new RefitTask(shared, training, threads))
          .collect();
      return zips.stream().map(Refits::restore).toList();
    } finally {
      shared.destroy();
    }
  }

  /** The task body: one candidate's refit, in the executor, returned as a model zip. */
  private static final class RefitTask implements Function<Candidate, byte[]> {

    private final Broadcast<Dataset> data;
    private final TrainingSettings training;
    private final int threads;

    RefitTask(Broadcast<Dataset> data, TrainingSettings training, int threads) {
      this.data = data;
      this.training = training;
      this.threads = threads;
    }

    @Override
    public byte[] call(Candidate candidate) {
      Dataset dataset = data.value();
      return TrialRunner.refit(candidate.spec(), training, candidate.preset(), nonTest(dataset),
          dataset.classCount(), candidate.epochs(), threads);
    }
  }

  /**
   * A data-parallel refit. The batches are the local refit's (same shuffling, same augmentation,
   * made on the driver); what differs is how the steps combine: each worker fits
   * {@code averaging-frequency} batches from the shared parameters, then the driver averages the
   * parameters and updater states. Executors rebuild the network from its configuration, so it
   * uses DL4J's own layers, which compute what gapsweep's kernels compute.
   */
  private static MultiLayerNetwork dataParallel(SparkSession spark, TrainingSettings shared,
      RefitSettings refit, Dataset data, Candidate candidate, OutputFolder folder) {
    TrialSpec spec = candidate.spec();
    TrainingSettings training = Axes.training(spec.params(), shared);
    ImageSet images = nonTest(data);
    TrainingBatches batches = TrialRunner.refitBatches(
        spec, shared, candidate.preset(), images, data.classCount());
    String export = folder.scratch("refit");
    try {
      return DataParallelRefit.dataParallel(spark,
          NetworkFactory.configuration(spec, training, ImageShape.of(images), data.classCount(),
              Kernels.DL4J),
          epoch -> drain(batches), candidate.epochs(), training.batchSize(), spec.seed(),
          refit.averagingFrequency(), export);
    } finally {
      folder.delete(new Path(export));
    }
  }

  /** One pass of {@code batches}. */
  private static List<DataSet> drain(TrainingBatches batches) {
    if (!batches.hasNext()) {
      batches.reset();
    }
    List<DataSet> pass = new ArrayList<>();
    while (batches.hasNext()) {
      pass.add(batches.next());
    }
    return pass;
  }

  private static MultiLayerNetwork restore(byte[] zip) {
    try {
      return ModelSerializer.restoreMultiLayerNetwork(new ByteArrayInputStream(zip), false);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read a refit network: " + e.getMessage(), e);
    }
  }
}
