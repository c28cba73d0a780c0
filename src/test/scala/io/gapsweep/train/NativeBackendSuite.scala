package io.gapsweep.train

import org.scalatest.funsuite.AnyFunSuite

import scala.jdk.CollectionConverters._

class NativeBackendSuite extends AnyFunSuite {

  private val avx512 = Set("sse4_2", "avx", "avx2", "fma", "avx512f", "avx512bw", "avx512dq", "avx512vl")
  private val avx2 = Set("sse4_2", "avx", "avx2", "fma")
  private val all: String => Boolean = _ => true

  private def choose(flags: Set[String], present: String => Boolean = all): String =
    NativeBackend.choose(flags.asJava, s => present(s)).extension()

  test("the best build the CPU supports and the classpath holds") {
    assert(choose(avx512) == "-onednn-avx2")
    assert(choose(avx2) == "-onednn-avx2")
    assert(choose(Set("sse4_2", "avx")) == "")
    assert(choose(Set.empty) == "")
  }

  test("a classifier jar that is absent falls back to the next build") {
    val withoutOneDnn: String => Boolean = !_.contains("onednn")
    assert(choose(avx512, withoutOneDnn) == "-avx512")
    // AVX-512 foundation alone is not enough: the build also uses BW, DQ and VL.
    assert(choose(avx2 + "avx512f", withoutOneDnn) == "-avx2")
    assert(choose(avx512, _ == "") == "")
  }

  test("the oneDNN build runs with DL4J's oneDNN helpers in every conv, pooling and BN layer") {
    assume(NativeBackend.running() == "linux-x86_64-onednn-avx2", "no AVX2 here")
    val net = NetworkFactory.create(io.gapsweep.testing.Fixtures.spec(depth = 1, dropout = 0.5),
      io.gapsweep.testing.Fixtures.training(), new ImageShape(3, 8, 8), 6)
    val helpers = net.getLayers.toSeq.map(l => l.getClass.getSimpleName -> Option(helperOf(l))
      .map(_.getClass.getSimpleName).getOrElse("none"))
    // The convolution's helper is DL4J's oneDNN one with a backward pass of direct convolutions.
    assert(helpers.contains("ConvolutionLayer" -> "DirectConvolution"), helpers)
    // The pooling layer's is DL4J's oneDNN one with a Java max-pool backward pass.
    assert(helpers.contains("SubsamplingLayer" -> "FastMaxPool"), helpers)
    // gapsweep's batch-norm helper is DL4J's oneDNN one with faster statistics and backward pass.
    assert(helpers.contains("BatchNormalization" -> "FastBatchNorm"), helpers)
  }

  /** The helper a DL4J layer built for itself (null when none); only reflection can see it. */
  private def helperOf(layer: org.deeplearning4j.nn.api.Layer): AnyRef =
    Iterator.iterate[Class[_]](layer.getClass)(_.getSuperclass).takeWhile(_ != null)
      .flatMap(_.getDeclaredFields).find(_.getName == "helper")
      .map { f => f.setAccessible(true); f.get(layer) }.orNull

  test("flags are read from the first processor of /proc/cpuinfo") {
    val cpuinfo =
      "processor\t: 0\nmodel name\t: Test CPU\nflags\t\t: fpu sse4_2 AVX2 fma avx2\n\n" +
        "processor\t: 1\nflags\t\t: fpu\n"
    assert(NativeBackend.flagsOf(cpuinfo).asScala == Set("fpu", "sse4_2", "avx2", "fma"))
    assert(NativeBackend.flagsOf("no flags here").isEmpty)
  }

  test("the running build is the one JavaCPP loaded, and what this JVM chose") {
    val running = NativeBackend.running()
    assert(running.startsWith("linux-x86_64"), running)
    val chosen = System.getProperty(NativeBackend.PROPERTY)
    assert(chosen != null)
    // Unless some suite loaded ND4J before anything chose, the chosen build is the one running.
    assert(running == "linux-x86_64" + chosen || running == "linux-x86_64", running)
  }
}
