package io.gapsweep.dispatch

import com.fasterxml.jackson.databind.ObjectMapper
import io.gapsweep.analysis.{CompetitiveBand, SavedSweep}
import io.gapsweep.config.{SearchSettings, SearchSpace, SweepSettings}
import io.gapsweep.data.SyntheticShapes
import io.gapsweep.plan.GridExpander
import io.gapsweep.store.{OutputFolder, SweepOutput, WriteMode}
import io.gapsweep.testing.{Cli, Fixtures, SharedSparkSession, TempDirs}
import io.gapsweep.train.{TrialOutput, TrialResult}
import org.apache.spark.sql.functions._
import org.scalatest.BeforeAndAfterAll
import org.scalatest.funsuite.AnyFunSuite

import java.nio.file.{Files, Path}
import scala.jdk.CollectionConverters._

/**
 * The same 9-configuration grid (2 seeds each) run with and without successive halving (min-epochs
 * 1, η 3, 9 epochs: rungs end at 1, 3 and 9) on 8×8 synthetic images, local[2].
 */
class SuccessiveHalvingSweepSuite extends AnyFunSuite with SharedSparkSession with TempDirs
    with BeforeAndAfterAll {

  private lazy val dir = Files.createTempDirectory("gapsweep-halving-")

  override def afterAll(): Unit = {
    try deleteRecursively(dir)
    finally super.afterAll()
  }

  private def sweep(name: String, scheduler: String): Path = {
    val out = dir.resolve(name)
    val conf = Files.writeString(dir.resolve(name + ".conf"),
      s"""gapsweep {
         |  name = $name
         |  search { scheduler = $scheduler, successive-halving { min-epochs = 1, reduction-factor = 3 } }
         |  search-space {
         |    depth = [1]
         |    learning-rate = [0.00001, 0.001, 0.01]
         |    dropout = [0.0, 0.25, 0.5]
         |    l2 = [0.0]
         |    augmentation = [none]
         |    seeds = 2
         |  }
         |  training { max-epochs = 9, patience = 3, base-filters = 4, dense-units = 8, batch-size = 8 }
         |  validation.scheme = holdout
         |  data { width = 8, height = 8, synthetic { train-per-class = 6, validation-per-class = 6 } }
         |  run { output = "$out", save-models = 1 }
         |}
         |""".stripMargin)
    val result = Cli.run("run", conf.toString)
    assert(result.code == 0, result.err + result.out)
    out
  }

  private lazy val full: Path = sweep("full", "none")
  private lazy val halved: Path = sweep("halved", "successive-halving")

  private def trials(out: Path) = spark.read.parquet(out.resolve("trials").toString)
  private def curves(out: Path) = spark.read.parquet(out.resolve("curves").toString)

  private def epochs(out: Path): Long =
    trials(out).agg(sum("epochs_run")).head().getLong(0)

  /** The first column of the query's rows, over the output's views. */
  private def query(out: Path, sql: String): Seq[String] = {
    SavedSweep.open(spark, out.toString)
    spark.sql(sql).collect().map(_.get(0).toString).toSeq
  }

  private def decision(out: Path, rung: Int) =
    new ObjectMapper().readTree(out.resolve(s"journal/rungs/rung-$rung.json").toFile)

  test("without a scheduler every trial is at rung 0 and none is pruned") {
    val t = trials(full)
    assert(t.count() == 18)
    assert(t.where("rung <> 0 OR stop_reason = 'pruned'").count() == 0)
    assert(!Files.exists(full.resolve("journal/rungs")))
  }

  test("pruned trials stop at a rung's epoch, with status COMPLETED and the rung they reached") {
    val t = trials(halved)
    assert(t.count() == 18)
    assert(t.select("trial_id").collect().map(_.getString(0)).toSet ==
      trials(full).select("trial_id").collect().map(_.getString(0)).toSet)
    val pruned = t.where("stop_reason = 'pruned'").collect()
    assert(pruned.nonEmpty)
    val ends = Seq(1, 3, 9)
    for (row <- pruned) {
      assert(row.getAs[String]("status") == "COMPLETED")
      assert(row.getAs[Int]("epochs_run") == ends(row.getAs[Int]("rung")))
    }
    for (row <- t.where("stop_reason <> 'pruned'").collect()) {
      val rung = row.getAs[Int]("rung")
      val run = row.getAs[Int]("epochs_run")
      assert(run <= ends(rung) && (rung == 0 || run > ends(rung - 1)), row)
    }
    // A configuration is pruned as a whole: its trials that were still training stop together.
    val byConfig = pruned.groupBy(_.getAs[String]("config_id"))
    byConfig.values.foreach(rows => assert(rows.map(_.getAs[Int]("rung")).distinct.length == 1))
    // Never labelled over- or underfit; the leaderboard still lists every configuration.
    assert(query(halved,
      "SELECT DISTINCT fit FROM trial_summary WHERE stop_reason = 'pruned'") == Seq("pruned"))
    assert(query(halved, "SELECT count(*) FROM leaderboard") == Seq("9"))
    // The report counts them per configuration (by stop reason, as the shared contract says).
    val report = new String(Files.readAllBytes(halved.resolve("report.html")), "UTF-8")
    assert("""\d+, \d+ pruned""".r.findFirstIn(report).nonEmpty)
    // Checkpoints are gone once the sweep is trained; the rung decisions stay.
    assert(!Files.exists(halved.resolve("journal/checkpoints")))
    assert(Files.isRegularFile(halved.resolve("journal/rungs/rung-1.json")))
    assert(!Files.exists(halved.resolve("journal/rungs/rung-2.json"))) // the last rung decides nothing
  }

  test("rung 0 ranks the configurations by their mean best validation loss; the best third continue") {
    val d = decision(halved, 0)
    assert(d.get("slots").asInt == 3)
    val ranked = d.get("ranked").elements().asScala.toSeq
    assert(ranked.size == 9)
    // The known scores: each trial's lowest validation loss within the first epoch, averaged.
    val expected = curves(halved).where("epoch <= 1").groupBy("trial_id").agg(min("val_loss").as("best"))
      .join(trials(halved), "trial_id").groupBy("config_id").agg(avg("best").as("score"))
      .collect().map(r => r.getString(0) -> r.getDouble(1)).toMap
    for (s <- ranked) {
      assert(math.abs(s.get("score").asDouble - expected(s.get("configId").asText)) < 1e-12)
    }
    assert(ranked.map(_.get("score").asDouble) == ranked.map(_.get("score").asDouble).sorted)
    val continuing = (d.get("promoted").elements().asScala ++ d.get("tied").elements().asScala)
      .map(_.asText).toSet
    val best3 = ranked.take(3).filter(_.get("running").asBoolean).map(_.get("configId").asText)
    assert(best3.forall(continuing.contains))
    // Only continuing configurations trained past epoch 1.
    val trainedOn = trials(halved).where("epochs_run > 1").select("config_id").distinct()
      .collect().map(_.getString(0)).toSet
    assert(trainedOn.subsetOf(continuing))
    val pruned = d.get("pruned").elements().asScala.map(_.asText).toSet
    assert(pruned.nonEmpty && (pruned & continuing).isEmpty)
  }

  test("halving spends fewer trial-epochs and recommends the same or a tied configuration") {
    val (withHalving, withoutHalving) = (epochs(halved), epochs(full))
    info(s"trial-epochs: $withHalving with successive halving, $withoutHalving without")
    assert(withHalving < withoutHalving)
    val recommended = query(halved, "SELECT config_id FROM leaderboard WHERE rank = 1")
    val band = query(full, "SELECT config_id FROM leaderboard WHERE competitive").toSet
    info(s"recommended with halving: $recommended; full grid's band: $band")
    assert(recommended.size == 1 && band.contains(recommended.head))
  }

  test("the tie guard keeps a configuration within one paired standard error of the leader") {
    val leader = Array(0.5, 0.9, 0.1, 0.7, 0.3, 0.6)
    val noisy = Array(0.52, 0.88, 0.13, 0.69, 0.31, 0.58) // differences of both signs: tied
    val worse = leader.map(_ + 0.4)                         // worse on every example
    val tied = HalvingSweep.tiedWithLeader(Seq(
      new CompetitiveBand.Candidate("leader", leader, 0, 0),
      new CompetitiveBand.Candidate("noisy", noisy, 0, 0),
      new CompetitiveBand.Candidate("worse", worse, 0, 0)).asJava).asScala
    assert(tied == Set("leader", "noisy"))
    assert(HalvingSweep.tiedWithLeader(Seq(
      new CompetitiveBand.Candidate("alone", leader, 0, 0)).asJava).isEmpty)
  }

  test("each rung is one Spark job; its trial-epochs and slot utilization are measured") {
    val base: SweepSettings = Fixtures.settings(
      space = Fixtures.searchSpace(dropout = Seq(0.0, 0.25, 0.5), l2 = Seq(0.0, 0.001, 0.01)),
      trainingSettings = Fixtures.training(maxEpochs = 9, patience = 9),
      dataSettings = Fixtures.data(size = 8))
    val grid = base.searchSpace
    val settings = new SweepSettings(base.name,
      new SearchSpace(grid.distributions, grid.seeds,
        SearchSettings.grid().withScheduler(new SearchSettings.Scheduler(true, 1, 3))),
      base.training, base.data, base.augmentationPresets, base.validation, base.leaderboard,
      base.run)
    val plan = GridExpander.expand(settings)
    val data = SyntheticShapes.generate(settings.data)
    val out = dir.resolve("direct")
    val output = SweepOutput.open(OutputFolder.beforeSpark(out.toString), WriteMode.FAIL_IF_EXISTS,
      null, false)
    val finished = scala.collection.mutable.ArrayBuffer[TrialResult]()
    val stats = try {
      HalvingSweep.run(spark, settings, plan, data, 1, java.util.Map.of(), output.rungs(),
        new java.util.function.Consumer[TrialOutput] {
          override def accept(t: TrialOutput): Unit = finished += t.result
        }).asScala
    } finally output.close()
    assert(finished.map(_.spec.trialId).sorted == plan.trials.asScala.map(_.trialId).sorted)
    assert(stats.map(_.rung) == Seq(0, 1, 2))
    assert(stats.head.segments == 9)
    // Every epoch trained is in exactly one rung's count, and in one trial's curve.
    assert(stats.map(_.epochs).sum == finished.map(_.epochsRun.toLong).sum)
    assert(stats.map(_.segments).sum >= finished.size)
    stats.foreach { s =>
      assert(s.utilization > 0 && s.utilization <= 1.0 + 1e-9, s)
      info(f"rung ${s.rung}: ${s.segments} segments, ${s.epochs} trial-epochs, " +
        f"${s.wallSeconds}%.1f s, slot utilization ${s.utilization * 100}%.0f%% of ${s.slots} slots")
    }
    info(s"trial-epochs: ${stats.map(_.epochs).sum} with successive halving, " +
      s"${9 * plan.trials.size} for the full grid at 9 epochs (patience 9: no early stop)")
    assert(stats.map(_.epochs).sum < 9 * plan.trials.size)
  }
}
