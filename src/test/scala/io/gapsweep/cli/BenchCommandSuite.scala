package io.gapsweep.cli

import io.gapsweep.testing.{Cli, SharedSparkSession, TempDirs}
import java.nio.file.{Files, Path}
import java.nio.file.attribute.PosixFilePermissions
import org.scalatest.funsuite.AnyFunSuite

/** The shape of gapsweep bench's report at the smallest settings; never its timings. */
class BenchCommandSuite extends AnyFunSuite with SharedSparkSession with TempDirs {

  private val tiny = Seq("--repeats", "1", "--samples", "32", "--epochs", "1", "--trials", "2",
    "--trial-epochs", "1", "--train-per-class", "2", "--cores", "2", "--resume-trials", "3",
    "--curve-seeds", "2", "--curve-epochs", "1")

  test("bench prints a Markdown table of every part and the targets") {
    spark // the bench reuses the suites' session rather than starting its own
    val result = Cli.run(Seq("bench") ++ tiny ++ Seq("--python", "/nonexistent/python3"): _*)
    assert(result.code == 0, result.err)
    val lines = result.out.linesIterator.toSeq
    assert(lines.head.startsWith("Machine: "), result.out)
    assert(lines.head.contains("libnd4j linux-x86_64"), lines.head)
    val rows = tableRows(result.out)
    assert(rows.map(_.head) == Seq(
      "measure",
      "DL4J reference network, 1 thread(s), one epoch",
      "DL4J reference network, stock M2 dropout/ReLU/batch-norm backprop, 1 thread(s), one epoch",
      "batch assembly alone (TrainingBatches), augmentation none",
      "batch assembly alone (TrainingBatches), augmentation heavy",
      "Spark session start (once)",
      "plain Java loop, one trial at a time × 2 thread(s)",
      "gapsweep on Spark local[2], 2 trials × 1 epochs, 1 thread(s) per trial",
      "plain Java pool, 2 trials at a time × 1 thread(s) (Spark's thread policy)",
      "Spark: wall time outside the trials, per sweep",
      "plain pool: wall time outside the trials, per sweep",
      "Spark overhead outside the trials: (Spark − pool) / Spark's wall time",
      "plain Java loop: seconds per trial, alone × 2 thread(s)",
      "plain pool: seconds per trial, 2 at a time × 1 thread(s)",
      "best Spark / one at a time can be here: 2 × loop's / pool's seconds per trial",
      "commit one finished trial (record + model), 3-trial sweep",
      "resume: decide what is left of a 3-trial sweep",
      "resume: rebuild trials and curves from the journal, 3 trials",
      "target",
      "gapsweep's kernels / DL4J's stock ones, samples per second",
      "trials per hour, Spark / one at a time",
      "Spark overhead: 1 − Spark / plain pool, trials per hour"))
    assert(rows.take(18).forall(_.size == 6))
    assert(rows.drop(18).forall(_.size == 7))
    // one run of each kind; 1 ratio of each pair
    assert(rows.slice(1, 18).forall(_(1) == "1"), rows)
    assert(rows.drop(19).forall(_(1) == "1"), rows)
    // the best ratio is 2 × the loop's seconds per trial over the pool's, up to the rounding
    def shown(prefix: String) = rows.find(_.head.startsWith(prefix)).get(2).toDouble
    val (loop, pool) = (shown("plain Java loop: seconds"), shown("plain pool: seconds"))
    assert(pool > 0.005, rows)
    val best = shown("best Spark / one at a time")
    assert(best >= 2 * (loop - 0.005) / (pool + 0.005) - 0.005, rows)
    assert(best <= 2 * (loop + 0.005) / (pool - 0.005) + 0.005, rows)
    assert(rows.find(_.head.startsWith("gapsweep's kernels")).get.drop(5) == Seq("–", "–"))
    // 3 records, 3 models, 3 Parquet files and their _SUCCESS markers, sweep.conf, the .gapsweep marker
    assert(result.out.contains("A 3-trial sweep leaves 14 files ("), result.out)
    assert(result.out.contains(
      "PyTorch skipped: none of /nonexistent/python3 imports torch."), result.out)
    assert(result.out.contains("ND4J threads reported by the training thread: 1"), result.out)
    assert(result.out.contains("Kernels, same curves? Without dropout, one seed: the train and"
      + " validation losses of gapsweep's kernels and DL4J's stock ones differ by at most "),
      result.out)
    assert(result.out.contains("Kernels, same curves? With dropout 0.25 they draw different"
      + " masks: best validation loss over 2 seeds, gapsweep "), result.out)
  }

  test("fixed-cost times a one-trial sweep and its resume in fresh JVMs, phase by phase") {
    val result = Cli.run("bench", "--parts", "fixed-cost", "--repeats", "1")
    assert(result.code == 0, result.err)
    val rows = tableRows(result.out)
    val fresh = "one-trial sweep (1 epoch, 8×8 images), fresh JVM"
    val resume = "resume with nothing to train, fresh JVM"
    val phases = io.gapsweep.sweep.Phase.values().toSeq.map(_.label())
    def kind(name: String) = Seq(s"$name: wall time", s"$name: outside the trials (wall time − training)") ++
      phases.map(p => s"$name: $p")
    assert(rows.map(_.head) == Seq("measure") ++ kind(fresh) ++ kind(resume) ++ Seq("target",
      "one-trial sweep, end to end (fresh JVM)", "resume with nothing to train, end to end (fresh JVM)"), rows)
    def value(label: String) = rows.find(_.head == label).get(2).toDouble
    // The child JVM counts its own start; the resume trains nothing; training is inside the wall time.
    assert(value(s"$fresh: JVM start") > 0, rows)
    assert(value(s"$fresh: training") > 0, rows)
    assert(value(s"$resume: training") < value(s"$fresh: training"), rows)
    assert(value(s"$fresh: outside the trials (wall time − training)") < value(s"$fresh: wall time"), rows)
    assert(rows.find(_.head == "one-trial sweep, end to end (fresh JVM)").get.drop(5).head == "≤ 10.00 s", rows)
  }

  test("halving trains one random search without, with synchronous and asynchronous halving") {
    spark // the sweeps run in the suites' session
    // The smallest search that still prunes: 6 configurations, rungs at epochs 1 and 2; patience
    // 2 stops no full trial before max-epochs.
    val result = Cli.run("bench", "--parts", "halving", "--repeats", "1", "--halving-data", "tiny",
      "--halving-configs", "6",
      "--halving-max-epochs", "2", "--halving-patience", "2", "--halving-min-epochs", "1",
      "--halving-reduction-factor", "3")
    assert(result.code == 0, result.err)
    val rows = tableRows(result.out)
    val kinds = Seq("full grid", "synchronous halving", "asynchronous halving")
    def kind(name: String) = Seq(s"$name: trial-epochs (sum of trials.epochs_run)",
      s"$name: training wall time", s"$name: sweep wall time, settings to report",
      s"$name: slot utilization while training", s"$name: slot utilization while work remains")
    def targets(name: String) = Seq(s"trial-epochs, $name / full grid",
      s"training wall time, $name / full grid", s"slot utilization while work remains, $name")
    assert(rows.map(_.head) == Seq("measure") ++ kinds.flatMap(kind) ++
      Seq("synchronous halving: trials pruned", "asynchronous halving: trials pruned",
        "full grid: configurations in the competitive band", "target") ++
      targets("synchronous halving") ++ targets("asynchronous halving"), rows)
    assert(rows.drop(1).forall(r => r.head == "target" || r(1) == "1"), rows)
    def value(label: String) = rows.find(_.head == label).get(2).replace(",", "").toDouble
    val full = value("full grid: trial-epochs (sum of trials.epochs_run)")
    assert(full <= 12, rows)
    for (name <- kinds.tail) {
      val halved = value(s"$name: trial-epochs (sum of trials.epochs_run)")
      // Every configuration trains rung 0; halving only cuts curves short.
      assert(halved >= 6 && halved <= full, rows)
      val ratio = rows.find(_.head == s"trial-epochs, $name / full grid").get
      val measured = ratio(2).stripSuffix("×").toDouble
      assert(measured > 0 && measured <= 1.0, ratio)
      assert(math.abs(measured - halved / full) <= 0.005, ratio)
      assert(ratio.drop(5) == Seq("≤ 0.33×", if (measured <= 1.0 / 3) "yes" else "no"), ratio)
      assert(value(s"$name: trials pruned") <= 6, rows)
      val note = result.out.linesIterator
        .find(_.startsWith(s"Halving, repeat 1 (search seed 1), $name: ")).get
      assert(note.contains(s"trial-epochs ${halved.toInt} / ${full.toInt} full"), note)
      assert(Seq("(same).", ": tied.", "neither same nor tied.").exists(note.endsWith), note)
    }
    for (name <- kinds) {
      for (measure <- Seq("while training", "while work remains")) {
        val utilization = value(s"$name: slot utilization $measure")
        assert(utilization > 0 && utilization <= 100, rows)
      }
      assert(value(s"$name: training wall time") < value(s"$name: sweep wall time, settings to report"))
    }
    assert(value("full grid: configurations in the competitive band") >= 1, rows)
    assert(result.out.contains("Halving: 6 configurations per repeat drawn at random"), result.out)
    assert(result.out.contains("max-epochs 2, patience 2, min-epochs 1, reduction factor 3" +
      " (rungs end at [1, 2])"), result.out)
  }

  test("bench refuses an unknown part and a count below 1, with exit code 2") {
    val part = Cli.run("bench", "--parts", "training,gpu")
    assert(part.code == 2)
    assert(part.err == "gapsweep: Cannot run the bench: unknown part 'gpu'; expected training," +
      " sweep, pytorch, resume, curves, fixed-cost, halving or answer\n", part.err)
    val data = Cli.run("bench", "--parts", "halving", "--halving-data", "mnist")
    assert(data.code == 2)
    assert(data.err == "gapsweep: Cannot run the bench: --halving-data mnist; expected demo or tiny\n",
      data.err)
    val repeats = Cli.run("bench", "--repeats", "0")
    assert(repeats.code == 2)
    assert(repeats.err ==
      "gapsweep: Cannot run the bench: --repeats 0; expected an integer >= 1\n", repeats.err)
  }

  test("bench alternates PyTorch's epochs with DL4J's, one Python process for the whole part") {
    withTempDir { dir =>
      val starts = dir.resolve("starts")
      // Answers the bench's protocol as reference_cnn.py does; a warning line comes first.
      val python = fakePython(dir, s"""echo started >> '$starts'
        |echo "UserWarning: something torch says"
        |echo "ready torch 9.9.9"
        |while read line; do
        |  [ "$$line" = epoch ] || exit 3
        |  echo "samples_per_second 1234.0"
        |done""".stripMargin)
      val result = Cli.run("bench", "--parts", "training,pytorch", "--repeats", "2", "--epochs",
        "3", "--samples", "32", "--python", python.toString)
      assert(result.code == 0, result.err)
      val rows = tableRows(result.out)
      assert(rows.map(_.head).take(4) == Seq("measure",
        "DL4J reference network, 1 thread(s), one epoch",
        "DL4J reference network, stock M2 dropout/ReLU/batch-norm backprop, 1 thread(s), one epoch",
        "PyTorch 9.9.9 reference network, 1 thread(s), one epoch"))
      // 2 repeats × 3 epochs: 6 epochs of each kind, one ratio per round
      assert(rows(3) == Seq("PyTorch 9.9.9 reference network, 1 thread(s), one epoch", "6",
        "1,234", "1,234", "1,234", "samples/s"))
      val target = rows.find(_.head == "DL4J / PyTorch samples per second, same threads").get
      assert(target(1) == "6", target)
      assert(Files.readAllLines(starts).size == 1)
    }
  }

  test("a Python that fails mid-bench is named with what it printed, and exits with code 2") {
    withTempDir { dir =>
      val python = fakePython(dir, """echo "ready torch 9.9.9"
        |read line
        |echo "RuntimeError: out of memory"
        |exit 1""".stripMargin)
      val result = Cli.run("bench", "--parts", "pytorch", "--repeats", "1", "--epochs", "2",
        "--samples", "32", "--python", python.toString)
      assert(result.code == 2, result.err)
      assert(result.err.contains(s"\ngapsweep: Cannot run the PyTorch bench, $python "), result.err)
      assert(result.err.contains(": it ended; it printed:\n  RuntimeError: out of memory"),
        result.err)
      assert(!result.err.contains("\tat "), result.err)
    }
  }

  private def tableRows(out: String): Seq[Seq[String]] =
    out.linesIterator.filter(_.startsWith("| "))
      .map(_.split("\\|").map(_.trim).filter(_.nonEmpty).toSeq).toSeq

  /** An executable that says it has torch 9.9.9, and otherwise runs {@code script}. */
  private def fakePython(dir: Path, script: String): Path = {
    val python = dir.resolve("python3")
    Files.writeString(python,
      "#!/usr/bin/env bash\nif [ \"$1\" = -c ]; then echo 9.9.9; exit 0; fi\n" + script + "\n")
    Files.setPosixFilePermissions(python, PosixFilePermissions.fromString("rwxr-xr-x"))
    python
  }
}
