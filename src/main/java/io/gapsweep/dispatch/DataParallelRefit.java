package io.gapsweep.dispatch;

import io.gapsweep.data.ImageSet;
import java.util.List;
import java.util.Random;
import java.util.function.IntFunction;
import org.apache.spark.api.java.JavaRDD;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.spark.impl.paramavg.util.ExportSupport;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.spark.api.RDDTrainingApproach;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.nd4j.linalg.dataset.DataSet;

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
   * <p>The Export approach: dl4j-spark writes each epoch's batches to {@code exportDirectory} (a
   * Hadoop URI every executor can read, e.g. on HDFS; a local folder serves local mode) and
   * deletes them after training.
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
   * Why dl4j-spark cannot refit data-parallel on {@code master} with {@code defaultFs} as the
   * default Hadoop file system, or empty when it can. Its Export approach writes batches that every
   * executor must read, so off local mode it refuses a local default file system (DL4J's {@code
   * ExportSupport}, which otherwise fails with an exception after the whole sweep has trained).
   */
  public static java.util.Optional<String> unsupported(String master, FileSystem defaultFs) {
    if (ExportSupport.exportSupported(master, defaultFs)) {
      return java.util.Optional.empty();
    }
    return java.util.Optional.of("gapsweep.refit.mode = data-parallel needs a file system every"
        + " executor shares (HDFS, S3...) as Hadoop's default (fs.defaultFS), and on " + master
        + " it is " + defaultFs.getUri() + "; set spark.hadoop.fs.defaultFS, or use"
        + " gapsweep.refit.mode = local");
  }

  /** {@link #unsupported} for {@code spark}'s master and default file system. */
  public static java.util.Optional<String> unsupported(SparkSession spark) {
    try {
      return unsupported(spark.sparkContext().master(),
          FileSystem.get(spark.sparkContext().hadoopConfiguration()));
    } catch (java.io.IOException e) {
      return java.util.Optional.of("gapsweep.refit.mode = data-parallel: cannot reach Hadoop's"
          + " default file system: " + e.getMessage());
    }
  }

  /**
   * As the other {@code dataParallel}, on the batches {@code epochBatches} gives for each epoch
   * (0-based), called once per epoch in order: e.g. a trial's shuffled and augmented batches.
   */
  public static MultiLayerNetwork dataParallel(SparkSession spark,
      MultiLayerConfiguration configuration, IntFunction<List<DataSet>> epochBatches, int epochs,
      int batchSize, long seed, int averagingFrequency, String exportDirectory) {
    if (epochs < 1) {
      throw new IllegalArgumentException("Cannot refit a network for " + epochs
          + " epochs: expected >= 1");
    }
    if (averagingFrequency < 1) {
      throw new IllegalArgumentException("Cannot refit data-parallel: averaging frequency "
          + averagingFrequency + ", expected >= 1");
    }
    unsupported(spark).ifPresent(why -> {
      throw new io.gapsweep.UserError("Cannot refit data-parallel: " + why);
    });
    JavaSparkContext context = JavaSparkContext.fromSparkContext(spark.sparkContext());
    ParameterAveragingTrainingMaster master =
        new ParameterAveragingTrainingMaster.Builder(batchSize)
            .batchSizePerWorker(batchSize)
            .averagingFrequency(averagingFrequency)
            // No prefetch thread: one fewer native-memory user per task, and deterministic.
            .workerPrefetchNumBatches(0)
            .saveUpdater(true)
            .rddTrainingApproach(RDDTrainingApproach.Export)
            .exportDirectory(exportDirectory)
            .rngSeed(seed)
            .collectTrainingStats(false)
            .build();
    MultiLayerNetwork network = new MultiLayerNetwork(configuration.clone());
    network.init();
    SparkDl4jMultiLayer trainer = new SparkDl4jMultiLayer(context, network, master);
    int partitions = context.defaultParallelism();
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
