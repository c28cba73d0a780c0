package io.gapsweep.train

import org.nd4j.linalg.factory.Nd4j
import org.nd4j.nativeblas.NativeOpsHolder
import org.scalatest.funsuite.AnyFunSuite

import java.io.File
import java.util.concurrent.TimeUnit

/**
 * ThreadPolicy.exportBeforeLoad in a JVM of its own (this one has loaded ND4J long ago): what it
 * sets must reach OpenMP's default for threads that never set their own, as an exported
 * OMP_NUM_THREADS does; that is what lets `gapsweep run` start one JVM instead of two.
 */
class ThreadPolicySuite extends AnyFunSuite {

  /** Runs [[ThreadPolicyProbe]] with `args` in a new JVM without OMP_NUM_THREADS; its output. */
  private def probe(args: String*): String = {
    val java = new File(System.getProperty("java.home"), "bin/java").toString
    val command = Seq(java, "-Xmx512m", "-cp", System.getProperty("java.class.path"),
      "io.gapsweep.train.ThreadPolicyProbe") ++ args
    val builder = new ProcessBuilder(command: _*).redirectErrorStream(true)
    builder.environment().remove("OMP_NUM_THREADS")
    val process = builder.start()
    val output = new String(process.getInputStream.readAllBytes())
    assert(process.waitFor(2, TimeUnit.MINUTES), output)
    assert(process.exitValue() == 0, output)
    output.linesIterator.filter(_.startsWith("probe ")).mkString("\n")
  }

  test("set before ND4J loads, OMP_NUM_THREADS becomes OpenMP's default; afterwards it is refused") {
    // One more than the cores, so that it cannot be OpenMP's own default.
    val threads = Runtime.getRuntime.availableProcessors() + 1
    assert(probe(threads.toString) ==
      s"probe exported=true\nprobe new thread=$threads\nprobe after load=false")
    assert(probe() == s"probe new thread=${threads - 1}")
  }
}

/** The probe's JVM: optionally exports, loads ND4J, asks a new thread for its OpenMP threads. */
object ThreadPolicyProbe {
  def main(args: Array[String]): Unit = {
    args.headOption.foreach(n => println(s"probe exported=${ThreadPolicy.exportBeforeLoad(n.toInt)}"))
    NativeBackend.choose()
    Nd4j.getExecutioner
    var seen = -1
    val thread = new Thread(() => seen = NativeOpsHolder.getInstance().getDeviceNativeOps.ompGetMaxThreads())
    thread.start()
    thread.join()
    println(s"probe new thread=$seen")
    args.headOption.foreach(_ => println(s"probe after load=${ThreadPolicy.exportBeforeLoad(1)}"))
  }
}
