package io.gapsweep.testing

import io.gapsweep.cli.Main

import java.io.{PrintWriter, StringWriter}

/** Runs the command line in this JVM and captures what it prints. */
object Cli {

  final case class Result(code: Int, out: String, err: String)

  def run(args: String*): Result = {
    val out = new StringWriter()
    val err = new StringWriter()
    val code = Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), args: _*)
    Result(code, out.toString, err.toString)
  }
}
