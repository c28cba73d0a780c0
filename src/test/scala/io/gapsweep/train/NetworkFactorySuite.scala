package io.gapsweep.train

import io.gapsweep.testing.Fixtures
import io.gapsweep.train.kernels.{FastDropout, FastRelu}
import org.deeplearning4j.nn.conf.CacheMode
import org.deeplearning4j.nn.conf.layers._
import org.nd4j.linalg.api.buffer.DataType
import org.nd4j.linalg.factory.Nd4j
import org.nd4j.linalg.learning.config.{Adam, Nesterovs}
import org.nd4j.linalg.learning.regularization.L2Regularization
import org.scalatest.funsuite.AnyFunSuite

import scala.jdk.CollectionConverters._

class NetworkFactorySuite extends AnyFunSuite {

  private val shape = new ImageShape(3, 16, 16)

  private def layers(depth: Int, dropout: Double, l2: Double = 0.0) =
    NetworkFactory
      .configuration(Fixtures.spec(depth, dropout, l2), Fixtures.training(), shape, 6)
      .getConfs.asScala.map(_.getLayer).toSeq

  test("depth sets the number of conv blocks and filters double from the base") {
    for (depth <- 1 to 3) {
      val convs = layers(depth, 0.0).collect { case c: ConvolutionLayer => c }
      assert(convs.map(_.getNOut) == (0 until depth).map(i => 4L << i))
      assert(layers(depth, 0.0).count(_.isInstanceOf[BatchNormalization]) == depth)
      assert(layers(depth, 0.0).count(_.isInstanceOf[SubsamplingLayer]) == depth)
    }
  }

  test("a block is conv, batch norm, ReLU, dropout, max-pool; then dense, dropout, softmax") {
    val names = layers(1, 0.3).map(_.getClass.getSimpleName)
    assert(names == Seq(
      "ConvolutionLayer", "BatchNormalization", "ActivationLayer", "DropoutLayer",
      "SubsamplingLayer", "DenseLayer", "DropoutLayer", "OutputLayer"))
  }

  test("the Keras drop rate becomes DL4J's retain probability") {
    val dropouts = layers(2, 0.3).collect { case d: DropoutLayer => d.getIDropout }
    assert(dropouts.size == 3)
    dropouts.foreach { d =>
      assert(d.isInstanceOf[FastDropout])
      assert(math.abs(d.asInstanceOf[FastDropout].p - 0.7) < 1e-12)
    }
  }

  test("every ReLU is gapsweep's, in the blocks and the dense layer") {
    val all = layers(2, 0.3)
    assert(all.collect { case a: ActivationLayer => a.getActivationFn }.forall(_.isInstanceOf[FastRelu]))
    assert(all.collect { case d: DenseLayer => d.getActivationFn }.forall(_.isInstanceOf[FastRelu]))
    assert(all.count(_.isInstanceOf[ActivationLayer]) == 2)
  }

  test("a drop rate of zero adds no dropout layer") {
    assert(!layers(2, 0.0).exists(_.isInstanceOf[DropoutLayer]))
  }

  test("L2 reaches conv, dense and output weights, not batch norm") {
    def l2Of(layer: Layer): Seq[Double] =
      Option(layer.getRegularizationByParam("W")).map(_.asScala.toSeq).getOrElse(Seq.empty).collect {
        case r: L2Regularization => r.getL2.valueAt(0, 0)
      }
    val all = layers(2, 0.0, l2 = 0.002)
    all.collect { case c: ConvolutionLayer => c }.foreach(c => assert(l2Of(c) == Seq(0.002)))
    all.collect { case d: DenseLayer => d }.foreach(d => assert(l2Of(d) == Seq(0.002)))
    all.collect { case o: OutputLayer => o }.foreach(o => assert(l2Of(o) == Seq(0.002)))
    all.collect { case b: BatchNormalization => b }.foreach { b =>
      assert(Option(b.getRegularizationByParam("gamma")).forall(_.isEmpty))
    }
    layers(2, 0.0).collect { case c: ConvolutionLayer => c }.foreach(c => assert(l2Of(c).isEmpty))
  }

  test("the optimizer and learning rate reach the updater; the seed reaches the network") {
    val adam = NetworkFactory.configuration(Fixtures.spec(seed = 99), Fixtures.training(), shape, 6)
    assert(adam.getConf(0).getSeed == 99L)
    val updater = adam.getConf(0).getLayer.asInstanceOf[BaseLayer].getIUpdater
    assert(updater.asInstanceOf[Adam].getLearningRate == 0.005)
    val nesterov = NetworkFactory.configuration(
      Fixtures.spec(),
      Fixtures.training(optimizer = io.gapsweep.config.Optimizer.NESTEROV),
      shape, 6)
    val n = nesterov.getConf(0).getLayer.asInstanceOf[BaseLayer].getIUpdater.asInstanceOf[Nesterovs]
    assert(n.getLearningRate == 0.005 && n.getMomentum == 0.9)
  }

  test("the network takes the image shape and outputs one probability per class") {
    val network = NetworkFactory.create(Fixtures.spec(depth = 2), Fixtures.training(), shape, 6)
    val out = network.output(org.nd4j.linalg.factory.Nd4j.rand(Array(5L, 3L, 16L, 16L): _*))
    assert(out.shape().toSeq == Seq(5L, 6L))
  }

  test("the forward cache only spares the backward pass a convolution: training is unchanged") {
    NativeBackend.choose()
    val spec = Fixtures.spec(depth = 2, dropout = 0.0, seed = 9)
    def trained(cache: CacheMode): (org.nd4j.linalg.api.ndarray.INDArray, Double) = {
      val conf = NetworkFactory.configuration(spec, Fixtures.training(), shape, 6)
      assert(conf.getCacheMode == CacheMode.DEVICE, "NetworkFactory caches forward outputs")
      conf.setCacheMode(cache)
      conf.getConfs.asScala.foreach(_.setCacheMode(cache))
      val net = new org.deeplearning4j.nn.multilayer.MultiLayerNetwork(conf)
      net.init()
      kernels.Kernels.GAPSWEEP.install(net)
      Nd4j.getRandom.setSeed(3)
      val x = Nd4j.rand(DataType.FLOAT, 8, 3, 16, 16)
      val y = Nd4j.zeros(DataType.FLOAT, 8, 6)
      (0 until 8).foreach(i => y.putScalar(Array(i.toLong, (i % 6).toLong), 1.0))
      (0 until 5).foreach(_ => net.fit(new org.nd4j.linalg.dataset.DataSet(x, y)))
      (net.params().dup(), net.score())
    }
    val (cached, cachedScore) = trained(CacheMode.DEVICE)
    val (recomputed, recomputedScore) = trained(CacheMode.NONE)
    assert(cached.equalsWithEps(recomputed, 0.0), "parameters after 5 steps differ")
    assert(cachedScore == recomputedScore)
  }
}
