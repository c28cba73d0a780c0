package io.gapsweep.dispatch

import io.gapsweep.data.ImageSet
import io.gapsweep.testing.{SharedSparkSession, TempDirs}
import org.deeplearning4j.nn.conf.{MultiLayerConfiguration, NeuralNetConfiguration}
import org.deeplearning4j.nn.conf.inputs.InputType
import org.deeplearning4j.nn.conf.layers.{ConvolutionLayer, DenseLayer, OutputLayer, SubsamplingLayer}
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork
import org.deeplearning4j.nn.weights.WeightInit
import org.deeplearning4j.spark.api.RDDTrainingApproach
import org.nd4j.linalg.activations.Activation
import org.nd4j.linalg.learning.config.Adam
import org.nd4j.linalg.lossfunctions.LossFunctions
import org.scalatest.funsuite.AnyFunSuite

import scala.util.Random

/** dl4j-spark's evaluation and parameter-averaging refit on local[2], against the local paths. */
class SparkLibrariesSuite extends AnyFunSuite with SharedSparkSession with TempDirs {

  private val classes = 3

  /** Three classes told apart by which channel is bright, with noise; 8x8 RGB. */
  private def images(count: Int, seed: Long): ImageSet = {
    val random = new Random(seed)
    val size = 3 * 8 * 8
    val pixels = new Array[Byte](count * size)
    val labels = Array.tabulate(count)(i => i % classes)
    for (i <- 0 until count; c <- 0 until 3; k <- 0 until 64) {
      val base = if (c == labels(i)) 190 else 30
      pixels(i * size + c * 64 + k) = (base + random.nextInt(40)).toByte
    }
    new ImageSet(count, 3, 8, 8, pixels, labels)
  }

  private def configuration(seed: Long): MultiLayerConfiguration =
    new NeuralNetConfiguration.Builder()
      .seed(seed)
      .updater(new Adam(0.01))
      .weightInit(WeightInit.RELU)
      .l2(1e-3)
      .list()
      .layer(new ConvolutionLayer.Builder(3, 3).nOut(4).activation(Activation.RELU).build())
      .layer(new SubsamplingLayer.Builder().kernelSize(2, 2).stride(2, 2).build())
      .layer(new DenseLayer.Builder().nOut(8).activation(Activation.RELU).build())
      .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
        .nOut(classes).activation(Activation.SOFTMAX).build())
      .setInputType(InputType.convolutional(8, 8, 3))
      .build()

  test("distributed evaluation equals a local evaluation of the same model exactly") {
    val network = DataParallelRefit.local(configuration(5), images(60, 1), classes, 2, 10, 3)
    val test = images(45, 2)
    // 45 images in batches of 8: the last batch is short, and the two tasks hold unequal shares.
    val distributed = DistributedEvaluation.evaluate(spark, network, test, classes, 8)
    val local = DistributedEvaluation.local(network, test, classes, 8)
    assert(distributed.count == 45)
    assert(distributed.accuracy == local.accuracy)
    assert(java.lang.Double.doubleToLongBits(distributed.meanLoss) ==
      java.lang.Double.doubleToLongBits(local.meanLoss))
    assert(distributed.confusion.map(_.toSeq).toSeq == local.confusion.map(_.toSeq).toSeq)
    assert(distributed.countPerClass.toSeq == Seq(15, 15, 15))
    assert(distributed.correctPerClass.sum == math.round(distributed.accuracy * 45))
    // The clean loss carries no L2 penalty: DL4J's own score is higher by the penalty.
    assert(!distributed.meanLoss.isNaN && distributed.meanLoss > 0)
    val score = network.score(new org.nd4j.linalg.dataset.DataSet(
      ImageBatches.of(test, classes, 45).get(0).getFeatures,
      ImageBatches.of(test, classes, 45).get(0).getLabels), false)
    assert(math.abs(score - network.calcRegularizationScore(true) - local.meanLoss) < 1e-5,
      (score, local.meanLoss))
  }

  test("data-parallel refit learns; local refit is reproducible") {
    val train = images(96, 11)
    val test = images(30, 12)
    val first = DataParallelRefit.local(configuration(7), train, classes, 6, 16, 9)
    val again = DataParallelRefit.local(configuration(7), train, classes, 6, 16, 9)
    assert(first.params().equalsWithEps(again.params(), 0.0))
    withTempDir { export =>
    val parallel = DataParallelRefit.dataParallel(
      spark, configuration(7), train, classes, 6, 16, 9, 1, export.toUri.toString)
    val localScore = DistributedEvaluation.local(first, test, classes, 16)
    val parallelScore = DistributedEvaluation.evaluate(spark, parallel, test, classes, 16)
    assert(localScore.accuracy >= 0.9, localScore)
    // Averaged Adam steps of two workers learn more slowly per epoch than one worker's: well above
    // chance (1/3) after the same epochs, not as far as the local refit.
    assert(parallelScore.accuracy >= 0.6, parallelScore)
    // Averaging changed the parameters: not the local network by another name.
    assert(!parallel.params().equalsWithEps(first.params(), 1e-6))
    // dl4j-spark removed what it exported.
    assert(snapshot(export).isEmpty, snapshot(export))
    }
  }

  test("off local mode on a local file system the refit ships its batches through Spark (Direct), and learns") {
    val localFs = org.apache.hadoop.fs.FileSystem.getLocal(new org.apache.hadoop.conf.Configuration())
    assert(DataParallelRefit.approach("local[2]", localFs) == RDDTrainingApproach.Export)
    assert(DataParallelRefit.approach(spark) == RDDTrainingApproach.Export)
    // A standalone cluster whose default file system is the local one: dl4j-spark's Export would
    // refuse it (each worker would read only its own disk).
    assert(DataParallelRefit.approach("spark://127.0.0.1:7077", localFs) == RDDTrainingApproach.Direct)
    val train = images(96, 11)
    val test = images(30, 12)
    val batches = ImageBatches.of(train, classes, 16)
    withTempDir { export =>
      val direct = DataParallelRefit.dataParallel(spark, configuration(7), (_: Int) => batches,
        6, 16, 9L, 1, export.toUri.toString, RDDTrainingApproach.Direct)
      val score = DistributedEvaluation.evaluate(spark, direct, test, classes, 16)
      assert(score.accuracy >= 0.6, score)
      assert(snapshot(export).isEmpty, "Direct exported " + snapshot(export))
    }
  }

  test("TaskPlacement names the executors of the tasks that ended while it watched") {
    val placement = TaskPlacement.watch(spark.sparkContext)
    try {
      spark.sparkContext.parallelize(1 to 10, 3).count()
      assert(placement.summary() == "3 tasks on executor driver")
    } finally placement.close()
    spark.sparkContext.parallelize(1 to 10, 2).count()
    assert(placement.summary() == "3 tasks on executor driver")
  }

  test("bad inputs are refused with the reason") {
    val e = intercept[IllegalArgumentException](
      DataParallelRefit.local(configuration(1), images(6, 1), classes, 0, 4, 1))
    assert(e.getMessage == "Cannot refit a network for 0 epochs: expected >= 1")
    val empty = new ImageSet(0, 3, 8, 8, new Array[Byte](0), new Array[Int](0))
    val network = new MultiLayerNetwork(configuration(1))
    network.init()
    val f = intercept[IllegalArgumentException](
      DistributedEvaluation.evaluate(spark, network, empty, classes, 4))
    assert(f.getMessage == "Cannot evaluate a network on an empty image set")
  }
}
