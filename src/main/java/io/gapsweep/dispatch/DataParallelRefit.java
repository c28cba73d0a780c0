package io.gapsweep.dispatch;

import io.gapsweep.data.ImageSet;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.IntFunction;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.spark.api.RDDTrainingApproach;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.deeplearning4j.spark.impl.paramavg.util.ExportSupport;
import org.nd4j.linalg.dataset.DataSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Retrains a network configuration on a fixed image set for a fixed number of epochs: in one task
 * ({@link #local}) or across the cluster's executors with dl4j-spark's parameter averaging
 * ({@link #dataParallel}). Both see the same batches in the same order each epoch (shuffled with
 * {@code seed}), so they differ only in how the gradient steps are combined.
 *
 * <p>When data-parallel pays: DL4J's guidance is that Spark training helps networks whose
 * iteration takes on the order of 100 ms; at about 1 ms per iteration (gapsweep's small CNNs on
 * a few thousand images) the averaging and the export of the data cost more than they save, and
 * {@link #local} is faster. See {@code src/site/markdown/images.md}.
 *
 * <p>dl4j-spark's {@code SparkEarlyStoppingTrainer} is deliberately not used: on Spark 3.5 it
 * crashed the JVM in 8 of 8 runs (stack.md). A refit runs a known number of epochs instead.
 */
public final class DataParallelRefit {

  private static final Logger LOG = LoggerFactory.getLogger(DataParallelRefit.class);

  private DataParallelRefit() {}

  /**
   * Trains a fresh network of {@code configuration} on {@code images} in the calling thread.
   *
   * @param classes number of classes (the network's outputs)
   * @param epochs passes over {@code images}, >= 1
   * @param batchSize images per gradient step
   * @param seed orders the images of each epoch
   */
  public static MultiLayerNetwork local(MultiLayerConfiguration configuration, ImageSet images,
      int classes, int epochs, int batchSize, long seed) {
    requireInputs(images, epochs);
    MultiLayerNetwork network = new MultiLayerNetwork(configuration.clone());
    network.init();
    Random order = new Random(seed);
    for (int epoch = 0; epoch < epochs; epoch++) {
      for (DataSet batch : epochBatches(images, classes, batchSize, order)) {
        network.fit(batch);
      }
    }
    return network;
  }

  /**
   * Trains a fresh network of {@code configuration} on {@code images} across Spark's executors
   * with {@link ParameterAveragingTrainingMaster}: each worker fits {@code averagingFrequency}
   * batches of its share, then the driver averages the parameters (and updater state), and so on
   * until the epoch has been seen.
   *
   * <p>Where Hadoop's default file system is shared (HDFS, S3..., or any in local mode), dl4j-spark
   * writes each epoch's batches to {@code exportDirectory} (a Hadoop URI every executor can read)
   * and deletes them after training (the Export approach); elsewhere they travel through Spark
   * (Direct, see {@link #approach}).
   */
  public static MultiLayerNetwork dataParallel(SparkSession spark,
      MultiLayerConfiguration configuration, ImageSet images, int classes, int epochs,
      int batchSize, long seed, int averagingFrequency, String exportDirectory) {
    requireInputs(images, epochs);
    Random order = new Random(seed);
    return dataParallel(spark, configuration, epoch -> epochBatches(images, classes, batchSize,
        order), epochs, batchSize, seed, averagingFrequency, exportDirectory);
  }

  /**
   * How dl4j-spark hands each epoch's batches to its workers on {@code master} with
   * {@code defaultFs} as Hadoop's default file system. Export writes them there for every executor
   * to read, which off local mode needs a shared file system (HDFS, S3...): DL4J's {@code
   * ExportSupport} refuses a local one. Direct ships them through Spark itself instead.
   */
  static RDDTrainingApproach approach(String master, FileSystem defaultFs) {
    return ExportSupport.exportSupported(master, defaultFs)
        ? RDDTrainingApproach.Export
        : RDDTrainingApproach.Direct;
  }

  /** {@link #approach} for {@code spark}'s master and default file system. */
  static RDDTrainingApproach approach(SparkSession spark) {
    try {
      return approach(spark.sparkContext().master(),
          FileSystem.get(spark.sparkContext().hadoopConfiguration()));
    } catch (IOException e) {
      LOG.warn("Cannot reach Hadoop's default file system ({}): the data-parallel refit ships"
          + " its batches through Spark", e.getMessage());
      return RDDTrainingApproach.Direct;
    }
  }

  /**
   * As the other {@code dataParallel}, on the batches {@code epochBatches} gives for each epoch
   * (0-based), called once per epoch in order: e.g. a trial's shuffled and augmented batches.
   */
  public static MultiLayerNetwork dataParallel(SparkSession spark,
      MultiLayerConfiguration configuration, IntFunction<List<DataSet>> epochBatches, int epochs,
      int batchSize, long seed, int averagingFrequency, String exportDirectory) {
    return dataParallel(spark, configuration, epochBatches, epochs, batchSize, seed,
        averagingFrequency, exportDirectory, approach(spark));
  }

  /** As the other {@code dataParallel}, with dl4j-spark's {@code approach} chosen by the caller. */
  static MultiLayerNetwork dataParallel(SparkSession spark,
      MultiLayerConfiguration configuration, IntFunction<List<DataSet>> epochBatches, int epochs,
      int batchSize, long seed, int averagingFrequency, String exportDirectory,
      RDDTrainingApproach approach) {
    if (epochs < 1) {
      throw new IllegalArgumentException("Cannot refit a network for " + epochs
          + " epochs: expected >= 1");
    }
    if (averagingFrequency < 1) {
      throw new IllegalArgumentException("Cannot refit data-parallel: averaging frequency "
          + averagingFrequency + ", expected >= 1");
    }
    JavaSparkContext context = JavaSparkContext.fromSparkContext(spark.sparkContext());
    ParameterAveragingTrainingMaster.Builder builder =
        new ParameterAveragingTrainingMaster.Builder(batchSize)
            .batchSizePerWorker(batchSize)
            .averagingFrequency(averagingFrequency)
            // No prefetch thread: one fewer native-memory user per task, and deterministic.
            .workerPrefetchNumBatches(0)
            .saveUpdater(true)
            .rddTrainingApproach(approach)
            .exportDirectory(exportDirectory)
            .rngSeed(seed)
            .collectTrainingStats(false);
    if (approach == RDDTrainingApproach.Direct) {
      // Else dl4j-spark M2 persists the RDD it was given and Spark 3.5 fails with "Cannot change
      // storage level" (stack.md).
      builder.storageLevel(null);
    }
    ParameterAveragingTrainingMaster master = builder.build();
    MultiLayerNetwork network = new MultiLayerNetwork(configuration.clone());
    network.init();
    SparkDl4jMultiLayer trainer = new SparkDl4jMultiLayer(context, network, master);
    int partitions = context.defaultParallelism();
    long start = System.nanoTime();
    try (TaskPlacement placement = TaskPlacement.watch(spark.sparkContext())) {
      try {
        for (int epoch = 0; epoch < epochs; epoch++) {
          List<DataSet> batches = epochBatches.apply(epoch);
          JavaRDD<DataSet> rdd =
              context.parallelize(batches, Math.max(1, Math.min(partitions, batches.size())));
          trainer.fit(rdd);
        }
      } finally {
        master.deleteTempFiles(context);
      }
      LOG.info(String.format(Locale.ROOT, "Data-parallel refit (%s approach): %d"
          + " epochs in %.1f s, %s", approach, epochs, (System.nanoTime() - start) / 1e9,
          placement.summary()));
    }
    return trainer.getNetwork();
  }

  private static List<DataSet> epochBatches(ImageSet images, int classes, int batchSize,
      Random random) {
    int[] order = new int[images.count()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    for (int i = order.length - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int swap = order[i];
      order[i] = order[j];
      order[j] = swap;
    }
    return ImageBatches.of(images, classes, batchSize, order);
  }

  private static void requireInputs(ImageSet images, int epochs) {
    if (images.count() == 0) {
      throw new IllegalArgumentException("Cannot refit a network on an empty image set");
    }
    if (epochs < 1) {
      throw new IllegalArgumentException("Cannot refit a network for " + epochs
          + " epochs: expected >= 1");
    }
  }
}
