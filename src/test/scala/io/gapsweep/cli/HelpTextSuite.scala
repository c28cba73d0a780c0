package io.gapsweep.cli

import io.gapsweep.testing.Cli
import org.scalatest.funsuite.AnyFunSuite
import picocli.CommandLine

import scala.jdk.CollectionConverters._

/** What `gapsweep --help` and every command's `--help` show a user, read in picocli's 80 columns. */
class HelpTextSuite extends AnyFunSuite {

  private val model = new CommandLine(new Main())

  /** The commands a user sees, by name, as registered in Main (so a new command is checked too). */
  private val userCommands: Seq[(String, CommandLine)] = model.getSubcommands.asScala.toSeq
    .filterNot { case (_, sub) => sub.getCommandSpec.usageMessage().hidden() }
    .filterNot { case (name, _) => name == "help" }

  test("internal commands are hidden from the user's help and still run") {
    val hidden = model.getSubcommands.asScala.collect {
      case (name, sub) if sub.getCommandSpec.usageMessage().hidden() => name
    }.toSet
    assert(hidden == Set("threads"))
    val top = Cli.run("--help")
    assert(top.code == 0)
    assert(!top.out.contains("threads"), top.out)
    val threads = Cli.run("threads", "conf/demo.conf")
    assert(threads.code == 0, threads.err)
    assert(threads.out.trim.matches("[1-9][0-9]*"), threads.out)
  }

  test("the command list shows one whole sentence per command") {
    val top = Cli.run("--help").out
    for ((name, sub) <- userCommands) {
      val summary = sub.getCommandSpec.usageMessage().description().head
      assert(summary.endsWith("."), s"$name: the first description line is the summary: $summary")
      // picocli wraps the summary under the command's name; joined again, it is the whole sentence.
      val listed = top.linesIterator.dropWhile(!_.startsWith(s"  $name ")).toSeq
      val text = (listed.head +: listed.tail.takeWhile(_.startsWith("      ")))
        .map(_.trim).mkString(" ").stripPrefix(name).trim
      assert(text == summary, top)
    }
  }

  test("no description breaks a sentence across elements: picocli prints each on its own line") {
    for ((name, sub) <- ("gapsweep" -> model) +: userCommands) {
      val spec = sub.getCommandSpec
      val texts = spec.usageMessage().description().toSeq ++
        spec.options().asScala.flatMap(_.description().toSeq) ++
        spec.positionalParameters().asScala.flatMap(_.description().toSeq)
      for (text <- texts) {
        // A paragraph ends a sentence or introduces a list; a list row is indented.
        assert(text.startsWith("  ") || text.endsWith(".") || text.endsWith(":"), s"$name: '$text'")
      }
    }
  }

  test("every help fits in 80 columns and never splits a dotted name") {
    for ((name, _) <- ("" -> model) +: userCommands) {
      val args = if (name.isEmpty) Seq("--help") else Seq(name, "--help")
      val help = Cli.run(args: _*)
      assert(help.code == 0, help.err)
      assert(help.out.startsWith(s"Usage: gapsweep ${name}".trim + " "), help.out)
      val lines = help.out.linesIterator.toSeq
      for (line <- lines) assert(line.length <= 80, s"${args.mkString(" ")}: $line")
      // "gapsweep.run." at the end of a line and "output" continuing the next is a torn key. A
      // continuation starts in column 0 (a paragraph) or under a description column, never at
      // the 2 to 8 spaces of a command's, an option's or a table row's own line.
      def continues(line: String): Boolean = {
        val indent = line.takeWhile(_ == ' ').length
        indent == 0 || indent > 8
      }
      for (Seq(line, next) <- lines.sliding(2) if line.matches(".*[a-z]\\.$") && continues(next))
        assert(!next.trim.headOption.exists(_.isLower), s"${args.mkString(" ")}:\n$line\n$next")
    }
  }
}
