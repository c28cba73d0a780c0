package io.gapsweep.testing

import java.nio.file.Paths
import java.util.concurrent.TimeUnit

/** submit/local.sh in a process of its own, as a user runs it (and as a crash can kill it). */
object LocalScript {

  final case class Result(code: Int, output: String)

  /** Starts the script; standard error goes to the same stream as standard output. */
  def start(args: Seq[String], env: Map[String, String] = Map.empty): Process = {
    val command = Seq("bash", Paths.get("submit/local.sh").toAbsolutePath.toString) ++ args
    val builder = new ProcessBuilder(command: _*).redirectErrorStream(true)
    builder.environment().put("GAPSWEEP_JAVA_OPTS", "-Xmx1g")
    env.foreach { case (k, v) => builder.environment().put(k, v) }
    builder.start()
  }

  /** Runs the script to its end. */
  def run(args: Seq[String], env: Map[String, String] = Map.empty): Result =
    finish(start(args, env))

  /** Waits for a started script and collects what it printed. */
  def finish(process: Process): Result = {
    val output = new String(process.getInputStream.readAllBytes())
    assert(process.waitFor(5, TimeUnit.MINUTES), output)
    Result(process.exitValue(), output)
  }
}
