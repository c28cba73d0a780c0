package io.gapsweep.dispatch

import com.fasterxml.jackson.databind.{JsonNode, ObjectMapper}
import io.gapsweep.analysis.SavedSweep
import io.gapsweep.config.{SearchSettings, SearchSpace, SweepSettings}
import io.gapsweep.data.SyntheticShapes
import io.gapsweep.plan.GridExpander
import io.gapsweep.search.AsynchronousHalving
import io.gapsweep.store.{OutputFolder, SweepOutput, WriteMode}
import io.gapsweep.testing.{Cli, Fixtures, Journals, LocalScript, SharedSparkSession, TempDirs}
import io.gapsweep.train.{TrialOutput, TrialResult}
import org.scalatest.BeforeAndAfterAll
import org.scalatest.funsuite.AnyFunSuite

import java.nio.file.{Files, Path}
import scala.jdk.CollectionConverters._

/**
 * Asynchronous successive halving (ASHA) on local[2], 8×8 synthetic images, 9 configurations of
 * 1 seed, min-epochs 1, η 3, 9 epochs: rungs end at 1, 3 and 9.
 */
class AsyncHalvingSweepSuite extends AnyFunSuite with SharedSparkSession with TempDirs
    with BeforeAndAfterAll {

  private lazy val dir = Files.createTempDirectory("gapsweep-asha-")

  override def afterAll(): Unit = {
    try deleteRecursively(dir)
    finally super.afterAll()
  }

  private val ends = Seq(1, 3, 9)

  /** The journaled steps, in order. */
  private def steps(out: Path): Seq[JsonNode] = {
    val folder = out.resolve("journal/asynchronous")
    Files.list(folder).iterator().asScala.map(_.getFileName.toString)
      .filter(n => n.startsWith("step-") && n.endsWith(".json")).toSeq.sorted
      .map(n => new ObjectMapper().readTree(folder.resolve(n).toFile))
  }

  /** Replays journaled steps into a fresh scheduler, as a rerun does. */
  private def replay(configs: Seq[String], journaled: Seq[JsonNode]): AsynchronousHalving = {
    val asha = new AsynchronousHalving(configs.asJava, 3, ends.size,
      arrivals => AsyncHalvingSweep.tiedWithLeader(arrivals))
    for (s <- journaled) {
      if (!s.get("job").isNull) {
        asha.replay(new AsynchronousHalving.Job(s.get("job").get("configId").asText,
          s.get("job").get("rung").asInt))
      } else {
        val a = s.get("arrival")
        val losses = if (a.get("losses").isNull) null
          else a.get("losses").elements().asScala.map(_.asDouble).toArray
        asha.reached(s.get("rung").asInt, new AsynchronousHalving.Arrival(
          a.get("configId").asText, a.get("score").asDouble, a.get("running").asBoolean, losses))
      }
    }
    asha
  }

  test("gapsweep run with mode = asynchronous prunes at rungs, journals its steps and ranks") {
    val out = dir.resolve("cli")
    val conf = Files.writeString(dir.resolve("cli.conf"),
      s"""gapsweep {
         |  name = asha
         |  search {
         |    scheduler = successive-halving
         |    successive-halving { min-epochs = 1, reduction-factor = 3, mode = asynchronous }
         |  }
         |  search-space {
         |    depth = [1]
         |    learning-rate = [0.00001, 0.001, 0.01]
         |    dropout = [0.0, 0.25, 0.5]
         |    l2 = [0.0]
         |    augmentation = [none]
         |    seeds = 1
         |  }
         |  training { max-epochs = 9, patience = 3, base-filters = 4, dense-units = 8, batch-size = 8 }
         |  validation.scheme = holdout
         |  data { width = 8, height = 8, synthetic { train-per-class = 6, validation-per-class = 6 } }
         |  run { output = "$out", save-models = 0 }
         |}
         |""".stripMargin)
    val result = Cli.run("run", conf.toString)
    assert(result.code == 0, result.err + result.out)
    SavedSweep.open(spark, out.toString)
    val trials = spark.table("trials").collect()
    assert(trials.length == 9)
    val pruned = trials.filter(_.getAs[String]("stop_reason") == "pruned")
    assert(pruned.nonEmpty)
    for (row <- pruned) {
      assert(row.getAs[String]("status") == "COMPLETED")
      assert(row.getAs[Int]("epochs_run") == ends(row.getAs[Int]("rung")), row)
    }
    for (row <- trials.filter(_.getAs[String]("stop_reason") != "pruned")) {
      val (rung, run) = (row.getAs[Int]("rung"), row.getAs[Int]("epochs_run"))
      assert(run <= ends(rung) && (rung == 0 || run > ends(rung - 1)), row)
    }
    // The journal holds one job per rung a configuration trained to and one arrival per job; the
    // tables agree with it: a trial's rung is the highest its configuration was sent to.
    val journaled = steps(out)
    val jobs = journaled.filterNot(_.get("job").isNull).map(s =>
      s.get("job").get("configId").asText -> s.get("job").get("rung").asInt)
    assert(journaled.size == 2 * jobs.size)
    val configs = trials.map(_.getAs[String]("config_id")).toSeq
    assert(jobs.filter(_._2 == 0).map(_._1).sorted == configs.sorted)
    val highest = jobs.groupBy(_._1).map { case (c, js) => c -> js.map(_._2).max }
    for (row <- trials) {
      assert(row.getAs[Int]("rung") == highest(row.getAs[String]("config_id")), row)
    }
    // Replayed, the journal is a finished search whose pruned configurations are the table's.
    // New configurations start in plan order: the order of the rung-0 jobs.
    val asha = replay(jobs.filter(_._2 == 0).map(_._1), journaled)
    assert(asha.finished)
    assert((0 until ends.size).flatMap(k => asha.pruned(k).asScala).toSet ==
      pruned.map(_.getAs[String]("config_id")).toSet)
    assert(spark.sql("SELECT count(*) FROM leaderboard").head().getLong(0) == 9)
    assert(spark.sql("SELECT count(*) FROM leaderboard WHERE rank = 1").head().getLong(0) == 1)
    assert(!Files.exists(out.resolve("journal/checkpoints")))
    info(result.out.linesIterator.find(_.startsWith("Time: ")).getOrElse(""))
    info(s"${pruned.length} of 9 trials pruned; " +
      s"${trials.map(_.getAs[Int]("epochs_run")).sum} trial-epochs")
  }

  test("a run stopped mid-sweep resumes from the journal: its decisions are kept, no trial twice") {
    val base: SweepSettings = Fixtures.settings(
      space = Fixtures.searchSpace(dropout = Seq(0.0, 0.25, 0.5), l2 = Seq(0.0, 0.001, 0.01)),
      trainingSettings = Fixtures.training(maxEpochs = 9, patience = 3),
      dataSettings = Fixtures.data(size = 8))
    val grid = base.searchSpace
    val settings = new SweepSettings(base.name,
      new SearchSpace(grid.distributions, grid.seeds, SearchSettings.grid().withScheduler(
        new SearchSettings.Scheduler(true, 1, 3, SearchSettings.Mode.ASYNCHRONOUS))),
      base.training, base.data, base.augmentationPresets, base.validation, base.leaderboard,
      base.run)
    val plan = GridExpander.expand(settings)
    val data = SyntheticShapes.generate(settings.data)
    val out = dir.resolve("direct")
    val output = SweepOutput.open(OutputFolder.beforeSpark(out.toString), WriteMode.FAIL_IF_EXISTS,
      null, false)
    val first = scala.collection.mutable.LinkedHashMap[String, TrialResult]()
    val second = scala.collection.mutable.LinkedHashMap[String, TrialResult]()
    try {
      // The third commit fails, as a driver killed while making it durable: two are kept.
      val crash = intercept[IllegalStateException] {
        AsyncHalvingSweep.run(spark, settings, plan, data, 1, java.util.Map.of(), output.rungs(),
          new java.util.function.Consumer[TrialOutput] {
            override def accept(t: TrialOutput): Unit = {
              if (first.size == 2) throw new IllegalStateException("crash")
              first(t.result.spec.trialId) = t.result
            }
          })
      }
      assert(crash.getMessage == "crash")
      val before = steps(out)
      assert(before.nonEmpty)
      val stats = AsyncHalvingSweep.run(spark, settings, plan, data, 1, first.asJava,
        output.rungs(), new java.util.function.Consumer[TrialOutput] {
          override def accept(t: TrialOutput): Unit = second(t.result.spec.trialId) = t.result
        })
      assert((first.keySet & second.keySet).isEmpty)
      assert((first.keySet ++ second.keySet) == plan.trials.asScala.map(_.trialId).toSet)
      val after = steps(out)
      assert(after.take(before.size) == before) // journaled decisions were replayed, not redone
      val asha = replay(plan.trials.asScala.map(_.configId).toSeq.distinct, after)
      assert(asha.finished)
      val all = first.values ++ second.values
      assert(all.filter(_.stopReason == "pruned").map(_.spec.configId).toSet ==
        (0 until ends.size).flatMap(k => asha.pruned(k).asScala).toSet)
      assert(stats.utilization > 0 && stats.utilization <= 1.0 + 1e-9, stats)
      assert(!Files.exists(out.resolve("journal/checkpoints")))
      info(f"second run: ${stats.segments} segments, ${stats.epochs} trial-epochs, slot " +
        f"utilization ${stats.utilization * 100}%.0f%% of ${stats.slots} slots")
    } finally output.close()
  }

  test("a driver killed with SIGKILL after a journaled step and after a checkpoint resumes, its steps a prefix") {
    val out = dir.resolve("killed")
    // 4 configurations of 1 seed on 2 slots: the kills land while others still train.
    val conf = Files.writeString(dir.resolve("killed.conf"),
      """gapsweep {
        |  search {
        |    scheduler = successive-halving
        |    successive-halving { min-epochs = 1, reduction-factor = 3, mode = asynchronous }
        |  }
        |  search-space {
        |    depth = [1], learning-rate = [0.00001, 0.01], dropout = [0.0, 0.5], l2 = [0.0]
        |  }
        |  training { max-epochs = 9, patience = 3, base-filters = 2, dense-units = 8, batch-size = 8 }
        |  validation.scheme = holdout
        |  data { width = 8, height = 8, synthetic { train-per-class = 6, validation-per-class = 6 } }
        |  run { save-models = 0 }
        |}
        |""".stripMargin)
    def run(env: (String, String)*) =
      LocalScript.run(Seq(conf.toString, "--output", out.toString), env.toMap)

    val first = run("GAPSWEEP_FAULT_KILL_DRIVER" -> "step-journaled:3")
    assert(first.code == 137, first.output)
    assert(first.output.contains("Fault injection: SIGKILL at step-journaled:3"), first.output)
    val afterFirst = steps(out)
    assert(afterFirst.size == 3)
    // The rerun replays the three steps, then dies once it has checkpointed a paused trial.
    val second = run("GAPSWEEP_FAULT_KILL_DRIVER" -> "checkpointed:1")
    assert(second.code == 137, second.output)
    assert(second.output.contains("Fault injection: SIGKILL at checkpointed:1"), second.output)
    val afterSecond = steps(out)
    assert(afterSecond.take(3) == afterFirst)

    val last = run()
    assert(last.code == 0, last.output)
    assert(last.output.contains(s"Resuming the sweep in $out:"), last.output)
    val journaled = steps(out)
    assert(journaled.take(afterSecond.size) == afterSecond, "journaled decisions were replayed")
    val trials = spark.read.parquet(out.resolve("trials").toString).collect()
    val ids = trials.map(_.getAs[String]("trial_id"))
    assert(ids.length == 4 && ids.distinct.length == 4 && ids.toSet == Journals.committed(out))
    // New configurations start in plan order: the order of the rung-0 jobs.
    val asha = replay(journaled.filter(s => !s.get("job").isNull && s.get("job").get("rung").asInt == 0)
      .map(_.get("job").get("configId").asText), journaled)
    assert(asha.finished)
    assert(trials.filter(_.getAs[String]("stop_reason") == "pruned")
      .map(_.getAs[String]("config_id")).toSet ==
      (0 until ends.size).flatMap(k => asha.pruned(k).asScala).toSet)
    val left = Files.walk(out).iterator().asScala.map(out.relativize(_).toString).toSeq
    assert(!left.exists(p => p.contains("_staging/") || p == "run.lock" ||
      p.startsWith("journal/checkpoints")), left)
  }
}
