package io.gapsweep.cli

import io.gapsweep.testing.{Cli, SharedSparkSession}
import org.scalatest.funsuite.AnyFunSuite

/** The shape of gapsweep bench's report at the smallest settings; never its timings. */
class BenchCommandSuite extends AnyFunSuite with SharedSparkSession {

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
    val rows = lines.filter(_.startsWith("| ")).map(_.split("\\|").map(_.trim).filter(_.nonEmpty).toSeq)
    assert(rows.map(_.head) == Seq(
      "measure",
      "DL4J reference network, 1 thread(s)",
      "DL4J reference network, stock M2 dropout/ReLU/batch-norm backprop, 1 thread(s)",
      "batch assembly alone (TrainingBatches), augmentation none",
      "batch assembly alone (TrainingBatches), augmentation heavy",
      "Spark session start (once)",
      "gapsweep on Spark local[2], 2 trials × 1 epochs, 1 thread(s) per trial",
      "plain Java loop, one trial at a time × 2 thread(s)",
      "plain Java pool, 2 trials at a time × 1 thread(s) (Spark's thread policy)",
      "Spark: wall time outside the trials, per sweep",
      "plain pool: wall time outside the trials, per sweep",
      "Spark overhead outside the trials: (Spark − pool) / Spark's wall time",
      "commit one finished trial (record + model), 3-trial sweep",
      "resume: decide what is left of a 3-trial sweep",
      "resume: rebuild trials and curves from the journal, 3 trials",
      "target",
      "gapsweep's kernels / DL4J's stock ones, samples per second",
      "trials per hour, Spark / one at a time",
      "Spark overhead: 1 − Spark / plain pool, trials per hour"))
    assert(rows.take(15).forall(_.size == 5))
    assert(rows.drop(15).forall(_.size == 4))
    assert(rows.find(_.head.startsWith("gapsweep's kernels")).get.drop(2) == Seq("–", "–"))
    // 3 records, 3 models, 2 Parquet files and their _SUCCESS markers, sweep.conf
    assert(result.out.contains("A 3-trial sweep leaves 11 files ("), result.out)
    assert(result.out.contains(
      "PyTorch skipped: none of /nonexistent/python3 imports torch."), result.out)
    assert(result.out.contains("ND4J threads reported by the training thread: 1"), result.out)
    assert(result.out.contains("Kernels, same curves? Without dropout, one seed: the train and"
      + " validation losses of gapsweep's kernels and DL4J's stock ones differ by at most "),
      result.out)
    assert(result.out.contains("Kernels, same curves? With dropout 0.25 they draw different"
      + " masks: best validation loss over 2 seeds, gapsweep "), result.out)
  }

  test("bench refuses an unknown part and a count below 1, with exit code 2") {
    val part = Cli.run("bench", "--parts", "training,gpu")
    assert(part.code == 2)
    assert(part.err == "gapsweep: Cannot run the bench: unknown part 'gpu'; expected training," +
      " sweep, pytorch, resume or curves\n", part.err)
    val repeats = Cli.run("bench", "--repeats", "0")
    assert(repeats.code == 2)
    assert(repeats.err ==
      "gapsweep: Cannot run the bench: --repeats 0; expected an integer >= 1\n", repeats.err)
  }
}
