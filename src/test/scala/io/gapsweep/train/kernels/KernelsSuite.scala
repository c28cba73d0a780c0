package io.gapsweep.train.kernels

import io.gapsweep.testing.Fixtures
import io.gapsweep.train.{ImageShape, NativeBackend, NetworkFactory}
import org.deeplearning4j.nn.conf.{CNN2DFormat, ConvolutionMode}
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer.AlgoMode
import org.deeplearning4j.nn.layers.convolution.ConvolutionLayer
import org.deeplearning4j.nn.layers.mkldnn.{MKLDNNConvHelper, MKLDNNSubsamplingHelper}
import org.deeplearning4j.nn.conf.layers.{ActivationLayer, DenseLayer, DropoutLayer, PoolingType}
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr
import org.deeplearning4j.util.ModelSerializer
import org.nd4j.linalg.activations.impl.{ActivationIdentity, ActivationReLU}
import org.nd4j.linalg.api.buffer.DataType
import org.nd4j.linalg.api.ndarray.INDArray
import org.nd4j.linalg.factory.Nd4j
import org.scalatest.funsuite.AnyFunSuite

import java.io.{ByteArrayInputStream, ByteArrayOutputStream}
import java.nio.charset.StandardCharsets
import java.util.zip.ZipInputStream
import scala.jdk.CollectionConverters._

/** gapsweep's kernels compute what DL4J's stock layers compute. */
class KernelsSuite extends AnyFunSuite {

  private val shape = new ImageShape(3, 16, 16)

  private def network(kernels: Kernels, dropout: Double = 0.0): MultiLayerNetwork = {
    NativeBackend.choose()
    Nd4j.getRandom.setSeed(5)
    NetworkFactory.create(
      Fixtures.spec(depth = 2, dropout = dropout, seed = 5), Fixtures.training(), shape, 6, kernels)
  }

  private def batch(seed: Long, size: Int = 8): (INDArray, INDArray) = {
    Nd4j.getRandom.setSeed(seed)
    val x = Nd4j.rand(DataType.FLOAT, size, 3, 16, 16)
    val labels = Nd4j.zeros(DataType.FLOAT, size, 6)
    (0 until size).foreach(i => labels.putScalar(Array(i.toLong, (i % 6).toLong), 1.0))
    (x, labels)
  }

  /** The gradient of every parameter, flattened, after one forward and backward pass. */
  private def gradient(net: MultiLayerNetwork, x: INDArray, labels: INDArray): Array[Float] = {
    net.setInput(x)
    net.setLabels(labels)
    net.computeGradientAndScore()
    net.gradient().gradient().dup().toFloatVector
  }

  test("batch norm, ReLU: every parameter's gradient equals DL4J's own to float precision") {
    val fast = network(Kernels.GAPSWEEP)
    val stock = network(Kernels.DL4J)
    assert(fast.params().equalsWithEps(stock.params(), 0.0))
    // A smaller batch after a full one, as an epoch's last batch: the fast backward pass reuses
    // its scratch arrays, longer now than the data.
    for ((size, seed) <- Seq(8 -> 11L, 3 -> 12L)) {
      val (x, labels) = batch(seed, size)
      val a = gradient(fast, x, labels)
      val b = gradient(stock, x, labels)
      assert(a.length == b.length && a.length == fast.numParams())
      val scale = b.map(math.abs).max
      val worst = a.zip(b).map { case (p, q) => math.abs(p - q) }.max
      assert(scale > 1e-3, "the gradient is not trivially zero")
      assert(worst <= 1e-4 * scale, s"batch of $size: largest difference $worst, largest $scale")
      assert(math.abs(fast.score() - stock.score()) < 1e-6)
    }
  }

  test("batch-norm backprop is at least as close to a double-precision reference as DL4J's") {
    assume(NativeBackend.running().contains("onednn"), "no oneDNN build here")
    val (n, c, h, w) = (8, 4, 6, 5)
    Nd4j.getRandom.setSeed(21)
    // An offset mean makes the cancellation in (x - mean) matter, as after a conv with a bias.
    val x = Nd4j.rand(DataType.FLOAT, n, c, h, w).muli(2.0).addi(3.0)
    val dy = Nd4j.rand(DataType.FLOAT, n, c, h, w).subi(0.5)
    val gamma = Nd4j.rand(DataType.FLOAT, 1, c).addi(0.5)
    val beta = Nd4j.rand(DataType.FLOAT, 1, c)
    val eps = 1e-5
    def run(helper: org.deeplearning4j.nn.layers.normalization.BatchNormalizationHelper) = {
      val ws = LayerWorkspaceMgr.noWorkspaces()
      val shape = Array[Long](n, c, h, w)
      helper.preOutput(x, true, shape, gamma, beta, Nd4j.zeros(DataType.FLOAT, 1, c),
        Nd4j.ones(DataType.FLOAT, 1, c), 0.9, eps, CNN2DFormat.NCHW, ws)
      val dGamma = Nd4j.zeros(DataType.FLOAT, 1, c)
      val dBeta = Nd4j.zeros(DataType.FLOAT, 1, c)
      val dx = helper.backpropGradient(x, dy, shape, gamma, beta, dGamma, dBeta, eps,
        CNN2DFormat.NCHW, ws).getSecond
      (flat(dx), flat(dGamma), flat(dBeta))
    }
    val (refDx, refGamma, refBeta) = reference(x, dy, gamma, eps)
    def error(a: Array[Double], b: Array[Double]) = a.zip(b).map { case (p, q) => math.abs(p - q) }.max
    val (fastDx, fastGamma, fastBeta) = run(new FastBatchNorm())
    val (stockDx, _, _) = run(new org.deeplearning4j.nn.layers.mkldnn.MKLDNNBatchNormHelper(DataType.FLOAT))
    val scale = refDx.map(math.abs).max
    assert(error(fastDx, refDx) <= 1e-5 * scale, s"fast ${error(fastDx, refDx)}, scale $scale")
    assert(error(fastDx, refDx) <= error(stockDx, refDx),
      s"fast ${error(fastDx, refDx)}, DL4J ${error(stockDx, refDx)}")
    assert(error(fastGamma, refGamma) <= 1e-5 * refGamma.map(math.abs).max)
    assert(error(fastBeta, refBeta) <= 1e-5 * refBeta.map(math.abs).max)
  }

  test("batch-norm training statistics and output match a double-precision reference, as DL4J's") {
    assume(NativeBackend.running().contains("onednn"), "no oneDNN build here")
    val (n, c, h, w) = (8, 4, 6, 5)
    // Centred data, data offset by 3 (as after a conv with a bias) and data far from zero with a
    // small spread, where a one-pass variance would cancel without its shift.
    for ((offset, spread) <- Seq((0.0, 1.0), (3.0, 2.0), (1000.0, 0.01))) {
      Nd4j.getRandom.setSeed(23)
      val x = Nd4j.rand(DataType.FLOAT, n, c, h, w).subi(0.5).muli(spread).addi(offset)
      val gamma = Nd4j.rand(DataType.FLOAT, 1, c).addi(0.5)
      val beta = Nd4j.rand(DataType.FLOAT, 1, c)
      val eps = 1e-5
      def run(helper: org.deeplearning4j.nn.layers.normalization.BatchNormalizationHelper) = {
        val out = helper.preOutput(x, true, Array[Long](n, c, h, w), gamma, beta,
          Nd4j.zeros(DataType.FLOAT, 1, c), Nd4j.ones(DataType.FLOAT, 1, c), 0.9, eps,
          CNN2DFormat.NCHW, LayerWorkspaceMgr.noWorkspaces())
        (flat(out), flat(helper.getMeanCache(DataType.FLOAT)),
          flat(helper.getVarCache(DataType.FLOAT)))
      }
      val xs = flat(x)
      val g = flat(gamma)
      val b = flat(beta)
      def at(i: Int, ch: Int, k: Int) = (i * c + ch) * h * w + k
      val idx = (0 until c).map(ch => for (i <- 0 until n; k <- 0 until h * w) yield at(i, ch, k))
      val mean = idx.map(js => js.map(xs).sum / js.size)
      val variance = (0 until c).map(ch => idx(ch).map(j => math.pow(xs(j) - mean(ch), 2)).sum / idx(ch).size)
      val out = new Array[Double](xs.length)
      for (ch <- 0 until c; j <- idx(ch)) {
        out(j) = g(ch) * (xs(j) - mean(ch)) / math.sqrt(variance(ch) + eps) + b(ch)
      }
      def error(a: Array[Double], r: Seq[Double]) = a.zip(r).map { case (p, q) => math.abs(p - q) }.max
      val (fastOut, fastMean, fastVar) = run(new FastBatchNorm())
      val (stockOut, stockMean, stockVar) =
        run(new org.deeplearning4j.nn.layers.mkldnn.MKLDNNBatchNormHelper(DataType.FLOAT))
      val label = s"offset $offset, spread $spread"
      assert(error(fastMean, mean) <= math.max(error(stockMean, mean), 1e-7 * (offset + 1)), label)
      assert(error(fastVar, variance) <= math.max(error(stockVar, variance), 1e-6 * variance.max),
        s"$label: variance off by ${error(fastVar, variance)}, DL4J's by ${error(stockVar, variance)}")
      assert(error(fastOut, out.toSeq) <= math.max(error(stockOut, out.toSeq), 1e-5),
        s"$label: output off by ${error(fastOut, out.toSeq)}, DL4J's by ${error(stockOut, out.toSeq)}")
    }
  }

  private def flat(a: INDArray): Array[Double] = a.dup('c').reshape(a.length()).toDoubleVector

  /** Batch-norm's gradients (dx, dgamma, dbeta) in double precision, from the textbook formula. */
  private def reference(x: INDArray, dy: INDArray, gamma: INDArray, eps: Double) = {
    val Array(n, c, h, w) = x.shape().map(_.toInt)
    val xs = flat(x)
    val ds = flat(dy)
    val g = flat(gamma)
    def at(i: Int, ch: Int, k: Int) = (i * c + ch) * h * w + k
    val count = n * h * w
    val dx = new Array[Double](xs.length)
    val dGamma = new Array[Double](c)
    val dBeta = new Array[Double](c)
    for (ch <- 0 until c) {
      val idx = for (i <- 0 until n; k <- 0 until h * w) yield at(i, ch, k)
      val mean = idx.map(xs).sum / count
      val variance = idx.map(j => (xs(j) - mean) * (xs(j) - mean)).sum / count
      val s = 1 / math.sqrt(variance + eps)
      val sumDy = idx.map(ds).sum
      val sumDyXm = idx.map(j => ds(j) * (xs(j) - mean)).sum
      dGamma(ch) = s * sumDyXm
      dBeta(ch) = sumDy
      idx.foreach { j =>
        dx(j) = g(ch) * s * (ds(j) - sumDy / count - (xs(j) - mean) * s * s * sumDyXm / count)
      }
    }
    (dx, dGamma, dBeta)
  }

  test("on the oneDNN build every batch-norm layer gets the fast backward pass") {
    assume(NativeBackend.running().contains("onednn"), "no oneDNN build here")
    val helpers = network(Kernels.GAPSWEEP).getLayers.toSeq.collect {
      case l: org.deeplearning4j.nn.layers.normalization.BatchNormalization => Kernels.helperOf(l)
    }
    assert(helpers.size == 2 && helpers.forall(_.isInstanceOf[FastBatchNorm]), helpers)
    val stock = network(Kernels.DL4J).getLayers.toSeq.collect {
      case l: org.deeplearning4j.nn.layers.normalization.BatchNormalization => Kernels.helperOf(l)
    }
    assert(stock.forall(h => h.getClass.getSimpleName == "MKLDNNBatchNormHelper"), stock)
  }

  test("on the oneDNN build every max-pooling layer gets the fast backward pass") {
    assume(NativeBackend.running().contains("onednn"), "no oneDNN build here")
    def pools(kernels: Kernels) = network(kernels).getLayers.toSeq.collect {
      case l: org.deeplearning4j.nn.layers.convolution.subsampling.SubsamplingLayer => Kernels.helperOf(l)
    }
    assert(pools(Kernels.GAPSWEEP).size == 2 && pools(Kernels.GAPSWEEP).forall(_.isInstanceOf[FastMaxPool]))
    assert(pools(Kernels.DL4J).forall(_.getClass == classOf[MKLDNNSubsamplingHelper]))
  }

  test("on the oneDNN build every convolution runs direct kernels; only the first skips its input gradient") {
    assume(NativeBackend.running().contains("onednn"), "no oneDNN build here")
    val layers = network(Kernels.GAPSWEEP).getLayers.toSeq
    val convs = layers.collect { case l: ConvolutionLayer => Kernels.helperOf(l) }
    assert(convs.size == 2 && convs.forall(_.isInstanceOf[DirectConvolution]), convs)
    assert(convs.map(_.asInstanceOf[DirectConvolution].inputGradient()) == Seq(false, true))
    val stock = network(Kernels.DL4J).getLayers.toSeq.collect {
      case l: ConvolutionLayer => Kernels.helperOf(l)
    }
    assert(stock.forall(h => h.getClass.getName.startsWith("org.deeplearning4j.nn.layers.mkldnn.")), stock)
  }

  test("direct convolutions' weight, bias and input gradients equal DL4J's, for odd kernels and padding") {
    assume(NativeBackend.running().contains("onednn"), "no oneDNN build here")
    // (kernel, mode, padding, input side): the network's case, a wider kernel, explicit padding
    for ((k, mode, p, side) <- Seq((3, ConvolutionMode.Same, 0, 16), (5, ConvolutionMode.Same, 0, 9),
        (3, ConvolutionMode.Truncate, 1, 7), (3, ConvolutionMode.Truncate, 0, 8))) {
      Nd4j.getRandom.setSeed(31)
      val (n, c, o) = (5, 3, 4)
      val out = if (mode == ConvolutionMode.Same) side else side + 2 * p - k + 1
      val x = Nd4j.rand(DataType.FLOAT, n, c, side, side).subi(0.3)
      val w = Nd4j.rand(DataType.FLOAT, o, c, k, k).subi(0.5)
      val b = Nd4j.zeros(DataType.FLOAT, 1, o)
      val delta = Nd4j.rand(DataType.FLOAT, n, o, out, out).subi(0.5)
      def run(helper: org.deeplearning4j.nn.layers.convolution.ConvolutionHelper) = {
        val dW = Nd4j.zeros(DataType.FLOAT, o, c, k, k)
        val dB = Nd4j.zeros(DataType.FLOAT, 1, o)
        val r = helper.backpropGradient(x, w, b, delta, Array(k, k), Array(1, 1), Array(p, p), dB, dW,
          new ActivationIdentity(), AlgoMode.PREFER_FASTEST, null, null, mode, Array(1, 1),
          CNN2DFormat.NCHW, LayerWorkspaceMgr.noWorkspaces())
        (flat(dW), flat(dB), r)
      }
      val (fastW, fastB, fast) = run(new DirectConvolution(false))
      val (stockW, stockB, stock) = run(new MKLDNNConvHelper(DataType.FLOAT))
      val scale = stockW.map(math.abs).max
      val worst = fastW.zip(stockW).map { case (a, b) => math.abs(a - b) }.max
      assert(scale > 1e-3 && worst <= 1e-5 * scale, s"k $k $mode p $p: $worst of $scale")
      assert(fastB.zip(stockB).forall { case (a, b) => math.abs(a - b) <= 1e-5 * stockB.map(math.abs).max })
      assert(fast.getSecond == null, "no input gradient on the first layer")
      assert(fast.getFirst.gradientForVariable.get("W") != null)
      val (innerW, _, inner) = run(new DirectConvolution(true))
      assert(innerW.sameElements(fastW))
      val dx = flat(inner.getSecond)
      val stockDx = flat(stock.getSecond)
      val dxScale = stockDx.map(math.abs).max
      val dxWorst = dx.zip(stockDx).map { case (a, b) => math.abs(a - b) }.max
      assert(inner.getSecond.shape().toSeq == x.shape().toSeq)
      assert(dxScale > 1e-3 && dxWorst <= 1e-5 * dxScale, s"input gradient, k $k $mode p $p: $dxWorst of $dxScale")
    }
  }

  test("max-pool backward sends each gradient to its window's first maximum, ties as oneDNN's") {
    assume(NativeBackend.running().contains("onednn"), "no oneDNN build here")
    Nd4j.getRandom.setSeed(41)
    val (n, c) = (3, 4)
    // Values rounded to tenths after a ReLU: most windows hold ties, many all zeros; plus -0 beside
    // +0, infinities and the extremes of float.
    val special = Seq(-0f, 0f, Float.PositiveInfinity, Float.NegativeInfinity, Float.MaxValue,
      -Float.MaxValue, Float.MinPositiveValue, -Float.MinPositiveValue)
    def input(h: Int, w: Int): INDArray = {
      val v = Nd4j.rand(DataType.FLOAT, n * c * h * w).subi(0.4).muli(3).toFloatVector
        .map(f => math.max(0f, math.round(f * 10) / 10f))
      for (i <- v.indices if i % 7 == 3) v(i) = special((i / 7) % special.size)
      Nd4j.create(v, Array[Long](n, c, h, w), 'c')
    }
    def backprop(helper: org.deeplearning4j.nn.layers.convolution.subsampling.SubsamplingHelper,
        x: INDArray, eps: INDArray, k: Int, s: Int, mode: ConvolutionMode) =
      helper.backpropGradient(x, eps, Array(k, k), Array(s, s), Array(0, 0), PoolingType.MAX,
        mode, Array(1, 1), CNN2DFormat.NCHW, LayerWorkspaceMgr.noWorkspaces()).getSecond
        .dup('c').reshape(x.length()).toFloatVector
    // (kernel, stride, input height, width, mode): the network's case, then cases it leaves to DL4J
    for ((k, s, h, w, mode) <- Seq((2, 2, 6, 8, ConvolutionMode.Same), (2, 2, 4, 2, ConvolutionMode.Truncate),
        (2, 2, 7, 8, ConvolutionMode.Same), (3, 2, 8, 8, ConvolutionMode.Same), (2, 1, 6, 6, ConvolutionMode.Truncate))) {
      val x = input(h, w)
      val (oh, ow) = if (mode == ConvolutionMode.Same) ((h + s - 1) / s, (w + s - 1) / s)
        else ((h - k) / s + 1, (w - k) / s + 1)
      val eps = Nd4j.rand(DataType.FLOAT, n, c, oh, ow).addi(1)
      val fast = backprop(new FastMaxPool(), x, eps, k, s, mode)
      val stock = backprop(new MKLDNNSubsamplingHelper(DataType.FLOAT), x, eps, k, s, mode)
      assert(fast.length == x.length())
      assert(fast.map(java.lang.Float.floatToRawIntBits).sameElements(
        stock.map(java.lang.Float.floatToRawIntBits)), s"k $k s $s ${h}x$w $mode")
      if (k == s && h % 2 == 0 && w % 2 == 0) {
        assert(fast.count(_ != 0f) == eps.length(), "one gradient per window")
      }
    }
    // the comparison behind it, on every ordered pair of the special values and a few others
    val values = special ++ Seq(1f, -1f, 0.1f, -2.5f, 3e38f)
    for (a <- values; b <- values) {
      assert(FastMaxPool.greater(FastMaxPool.order(a), FastMaxPool.order(b)) == (if (a > b) -1 else 0),
        s"$a > $b")
    }
  }

  test("ReLU's gradient is the incoming gradient where the input is positive, else zero") {
    val in = Nd4j.create(Array(-2f, -0f, 0f, 1e-30f, 3f, Float.NaN), Array(1L, 6L), DataType.FLOAT)
    val eps = Nd4j.create(Array(5f, 6f, 7f, 8f, -9f, 10f), Array(1L, 6L), DataType.FLOAT)
    val mine = new FastRelu().backprop(in.dup(), eps.dup()).getFirst.toFloatVector
    val theirs = new ActivationReLU().backprop(in.dup(), eps.dup()).getFirst.toFloatVector
    assert(mine.toSeq == Seq(0f, 0f, 0f, 8f, -9f, 0f))
    assert(mine.toSeq == theirs.toSeq)
    assert(new FastRelu().getActivation(in.dup(), true).toFloatVector.take(5).toSeq ==
      Seq(0f, 0f, 0f, 1e-30f, 3f))
  }

  test("dropout keeps a share p of activations, scaled by 1/p, and backprop uses the same mask") {
    val p = 0.75
    val dropout = new FastDropout(p)
    val n = 200000
    val in = Nd4j.ones(DataType.FLOAT, 1, n)
    val out = Nd4j.createUninitialized(DataType.FLOAT, 1, n)
    Nd4j.getRandom.setSeed(3)
    dropout.applyDropout(in, out, 0, 0, LayerWorkspaceMgr.noWorkspaces())
    val values = out.toFloatVector
    assert(values.forall(v => v == 0f || v == (1 / p).toFloat), values.distinct.toSeq)
    val kept = values.count(_ != 0f).toDouble / n
    val sd = math.sqrt(p * (1 - p) / n)
    assert(math.abs(kept - p) < 5 * sd, s"kept $kept")
    val grad = Nd4j.createUninitialized(DataType.FLOAT, 1, n)
    dropout.backprop(Nd4j.ones(DataType.FLOAT, 1, n), grad, 0, 0)
    assert(grad.toFloatVector.toSeq == values.toSeq)
  }

  test("the same seed draws the same dropout mask") {
    def draw(): Seq[Float] = {
      Nd4j.getRandom.setSeed(9)
      val out = Nd4j.createUninitialized(DataType.FLOAT, 1, 1000)
      new FastDropout(0.5).applyDropout(Nd4j.ones(DataType.FLOAT, 1, 1000), out, 0, 0,
        LayerWorkspaceMgr.noWorkspaces())
      out.toFloatVector.toSeq
    }
    assert(draw() == draw())
  }

  test("a retain probability outside (0, 1] is refused") {
    val e = intercept[IllegalArgumentException](new FastDropout(0.0))
    assert(e.getMessage == "Cannot build dropout: retain probability 0.0; expected a value in (0, 1]")
  }

  test("a portable model names only DL4J's classes, reloads in stock DL4J and predicts the same") {
    val net = network(Kernels.GAPSWEEP, dropout = 0.5)
    val (x, _) = batch(13)
    val before = net.output(x, false)
    Kernels.makePortable(net)
    val zip = new ByteArrayOutputStream()
    ModelSerializer.writeModel(net, zip, false)
    val json = configurationJson(zip.toByteArray)
    assert(!json.contains("io.gapsweep"), json)
    assert(json.contains("org.deeplearning4j.nn.conf.dropout.Dropout"))
    val restored = ModelSerializer.restoreMultiLayerNetwork(new ByteArrayInputStream(zip.toByteArray))
    val layers = restored.getLayerWiseConfigurations.getConfs.asScala.map(_.getLayer)
    assert(layers.collect { case d: DropoutLayer => d }.size == 3)
    assert(layers.collect { case a: ActivationLayer => a.getActivationFn }.forall(_.isInstanceOf[ActivationReLU]))
    assert(layers.collect { case d: DenseLayer => d.getActivationFn }.forall(_.isInstanceOf[ActivationReLU]))
    assert(restored.output(x, false).equalsWithEps(before, 0.0))
  }

  private def configurationJson(zip: Array[Byte]): String = {
    val in = new ZipInputStream(new ByteArrayInputStream(zip))
    Iterator.continually(in.getNextEntry).takeWhile(_ != null)
      .find(_.getName == "configuration.json")
      .map(_ => new String(in.readAllBytes(), StandardCharsets.UTF_8))
      .getOrElse(fail("no configuration.json in the model zip"))
  }
}
