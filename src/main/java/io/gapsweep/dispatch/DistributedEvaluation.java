package io.gapsweep.dispatch;

import io.gapsweep.data.ImageSet;
import java.io.Serializable;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.datasets.iterator.ExistingDataSetIterator;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.nd4j.evaluation.IEvaluation;
import org.nd4j.evaluation.classification.Evaluation;
import org.nd4j.linalg.dataset.DataSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * Accuracy, confusion matrix and clean mean loss of a trained network on an image set, computed by
 * Spark executors with dl4j-spark's {@link SparkDl4jMultiLayer#doEvaluation}: each executor
 * evaluates its share of the batches with a copy of the network (broadcast as configuration and
 * parameters) and the partial results are merged on the driver. For a test set too large to score
 * in one task; {@link #local} gives the same numbers, to the bit, in the calling thread.
 *
 * <p>The network is evaluated in inference mode (no dropout, batch norm on running statistics)
 * and the loss carries no L2 penalty, as the sweep's curves. Executors rebuild the network from
 * its JSON configuration: gapsweep's fast kernels ({@code Kernels.GAPSWEEP}) are not installed
 * there, so pass a network whose layers are DL4J's own ({@code Kernels.makePortable}), as a saved
 * model is.
 */
public final class DistributedEvaluation {

  private static final Logger LOG = LoggerFactory.getLogger(DistributedEvaluation.class);

  /**
   * The most image data one evaluation task carries. The batches travel inside the tasks
   * ({@code parallelize}), and Spark warns about every task above 1,000 KiB: 1,500 images of
   * 24x24 in two tasks drew that warning into the demo's output.
   */
  static final long TASK_BYTES = 512 * 1024;

  /**
   * What a network scored on an image set.
   *
   * @param count images evaluated
   * @param accuracy share of images whose highest output is their label
   * @param meanLoss mean cross-entropy per image, inference mode, no L2 penalty
   * @param confusion {@code confusion[actual][predicted]} image counts
   */
  public record Result(int count, double accuracy, double meanLoss, int[][] confusion)
      implements Serializable {

    /** Images of each true class. */
    public int[] countPerClass() {
      int[] counts = new int[confusion.length];
      for (int actual = 0; actual < confusion.length; actual++) {
        for (int n : confusion[actual]) {
          counts[actual] += n;
        }
      }
      return counts;
    }

    /** Correctly classified images of each true class. */
    public int[] correctPerClass() {
      int[] correct = new int[confusion.length];
      for (int c = 0; c < confusion.length; c++) {
        correct[c] = confusion[c][c];
      }
      return correct;
    }
  }

  private DistributedEvaluation() {}

  /**
   * Evaluates {@code network} on {@code images} in Spark tasks: at least {@code
   * defaultParallelism} of them, more when the images would make a task larger than {@link
   * #TASK_BYTES}, at most one per batch.
   *
   * @param classes number of classes (the network's outputs); labels index them
   * @param batchSize images per forward pass
   */
  public static Result evaluate(SparkSession spark, MultiLayerNetwork network, ImageSet images,
      int classes, int batchSize) {
    requireImages(images);
    List<DataSet> batches = ImageBatches.of(images, classes, batchSize);
    JavaSparkContext context = JavaSparkContext.fromSparkContext(spark.sparkContext());
    long bytes = (long) Float.BYTES * images.count() * images.channels() * images.height()
        * images.width();
    int bySize = (int) Math.min(batches.size(), (bytes + TASK_BYTES - 1) / TASK_BYTES);
    int partitions = Math.max(1,
        Math.min(batches.size(), Math.max(context.defaultParallelism(), bySize)));
    JavaRDD<DataSet> rdd = context.parallelize(batches, partitions);
    // Evaluation uses no training master, but SparkDl4jMultiLayer requires one.
    SparkDl4jMultiLayer spark4j = new SparkDl4jMultiLayer(context, network,
        new ParameterAveragingTrainingMaster.Builder(batchSize).build());
    try (TaskPlacement placement = TaskPlacement.watch(spark.sparkContext())) {
      IEvaluation<?>[] results =
          spark4j.doEvaluation(rdd, batchSize, new Evaluation(classes), new CleanLoss());
      // Where the tasks ran matters on a cluster; in local mode it is always "driver". The summary
      // waits for Spark's event bus, so it is only computed when the line is logged.
      LOG.atLevel(spark.sparkContext().isLocal() ? Level.DEBUG : Level.INFO)
          .setMessage("Evaluated {} images with dl4j-spark: {}")
          .addArgument(images.count())
          .addArgument(placement::summary)
          .log();
      return result((Evaluation) results[0], (CleanLoss) results[1], classes);
    }
  }

  /** The same evaluation in the calling thread, batch by batch, for comparison and small sets. */
  public static Result local(MultiLayerNetwork network, ImageSet images, int classes,
      int batchSize) {
    requireImages(images);
    Evaluation evaluation = new Evaluation(classes);
    CleanLoss loss = new CleanLoss();
    network.doEvaluation(
        new ExistingDataSetIterator(ImageBatches.of(images, classes, batchSize)), evaluation, loss);
    return result(evaluation, loss, classes);
  }

  /**
   * Whether {@code network} classifies each image of {@code images} correctly, in image order,
   * computed in the calling thread (inference mode). For paired comparisons of two models on the
   * same images, which the merged counts of {@link #evaluate} cannot give.
   */
  public static boolean[] correctByExample(MultiLayerNetwork network, ImageSet images,
      int classes, int batchSize) {
    requireImages(images);
    boolean[] correct = new boolean[images.count()];
    int i = 0;
    for (DataSet batch : ImageBatches.of(images, classes, batchSize)) {
      int[] predicted = network.predict(batch.getFeatures());
      for (int p : predicted) {
        correct[i] = p == images.labels()[i];
        i++;
      }
    }
    return correct;
  }

  private static Result result(Evaluation evaluation, CleanLoss loss, int classes) {
    int[][] confusion = new int[classes][classes];
    for (int actual = 0; actual < classes; actual++) {
      for (int predicted = 0; predicted < classes; predicted++) {
        confusion[actual][predicted] =
            evaluation.getConfusionMatrix().getCount(actual, predicted);
      }
    }
    return new Result((int) loss.count(), evaluation.accuracy(), loss.mean(), confusion);
  }

  private static void requireImages(ImageSet images) {
    if (images.count() == 0) {
      throw new IllegalArgumentException("Cannot evaluate a network on an empty image set");
    }
  }
}
