package io.gapsweep.testing

import java.nio.file.{Files, Paths}
import java.util.concurrent.TimeUnit

/**
 * submit/local.sh and submit/gapsweep in a process of their own, as a user runs them (and as a
 * crash can kill them). They run from target/classes, which the test phase has already built.
 */
object LocalScript {

  final case class Result(code: Int, output: String)

  /** Standard output and standard error apart, for commands whose output is data. */
  final case class Streams(code: Int, out: String, err: String)

  /** Starts submit/local.sh; standard error goes to the same stream as standard output. */
  def start(args: Seq[String], env: Map[String, String] = Map.empty): Process =
    builder("local.sh", args, env).redirectErrorStream(true).start()

  /** Runs submit/local.sh to its end. */
  def run(args: Seq[String], env: Map[String, String] = Map.empty): Result =
    finish(start(args, env))

  /** Runs submit/gapsweep to its end; standard error goes with standard output. */
  def gapsweep(args: Seq[String], env: Map[String, String] = Map.empty): Result =
    finish(builder("gapsweep", args, env).redirectErrorStream(true).start())

  /** Runs a submit/ script to its end, keeping standard output and standard error apart. */
  def streams(script: String, args: Seq[String], env: Map[String, String] = Map.empty): Streams = {
    val err = Files.createTempFile("gapsweep-script-", ".err")
    try {
      val result = finish(builder(script, args, env).redirectError(err.toFile).start())
      Streams(result.code, result.output, Files.readString(err))
    } finally Files.deleteIfExists(err)
  }

  /** Waits for a started script and collects what it printed. */
  def finish(process: Process): Result = {
    val output = new String(process.getInputStream.readAllBytes())
    assert(process.waitFor(5, TimeUnit.MINUTES), output)
    Result(process.exitValue(), output)
  }

  private def builder(script: String, args: Seq[String], env: Map[String, String]): ProcessBuilder = {
    val command = Seq("bash", Paths.get("submit", script).toAbsolutePath.toString) ++ args
    val builder = new ProcessBuilder(command: _*)
    builder.environment().put("GAPSWEEP_JAVA_OPTS", "-Xmx1g")
    env.foreach { case (k, v) => builder.environment().put(k, v) }
    builder
  }
}
