package io.gapsweep.store

import io.gapsweep.testing.{SharedSparkSession, TempDirs, TrialFixtures}
import io.gapsweep.train.{Predictions, TrialOutput, TrialResult, TrialStatus}
import org.apache.hadoop.fs.{Path => HPath}
import org.scalatest.funsuite.AnyFunSuite

import java.nio.file.{Files, Path}
import scala.jdk.CollectionConverters._

class TrialJournalSuite extends AnyFunSuite with SharedSparkSession with TempDirs {

  private def journal(dir: Path, keepModels: Boolean = true): TrialJournal =
    new TrialJournal(OutputFolder.of(spark, dir.toString).fs(),
      new HPath(dir.toString), keepModels)

  private val completed = TrialFixtures.trial("cfg-a", 0,
    TrialFixtures.curve((1.2, 0.5, 1.3, 0.4), (0.9, 0.6, 1.1, 0.5)), bestEpoch = 2)

  private val diverged = TrialFixtures.trial("cfg-b", 0,
    TrialFixtures.curve((1.2, 0.5, 1.3, 0.4), (Double.NaN, 0.1, Double.PositiveInfinity, 0.1)),
    bestEpoch = 1, status = TrialStatus.DIVERGED, stopReason = "diverged",
    error = "loss became non-finite in epoch 2")

  test("a committed result reads back equal, NaN and infinite losses included") {
    withTempDir { dir =>
      val j = journal(dir)
      j.commit(new TrialOutput(completed, Array[Byte](1, 2, 3)))
      j.commit(new TrialOutput(diverged, null))
      val read = j.read().asScala
      assert(read.keySet == Set(completed.spec.trialId, diverged.spec.trialId))
      assert(read(completed.spec.trialId) == completed)
      // Records compare NaN fields with Double.compare, so equality covers the NaN too.
      assert(read(diverged.spec.trialId) == diverged)
      assert(j.model(completed.spec.trialId).get().toSeq == Seq[Byte](1, 2, 3))
      assert(!j.model(diverged.spec.trialId).isPresent)
    }
  }

  private val predicted = {
    val c = completed
    new TrialResult(c.spec, c.status, c.stopReason, c.error, c.bestEpoch, c.epochsRun, c.seconds,
      c.threads, c.executor, c.curve,
      new Predictions(3, Array(0, 2), Array(0, 1), Array(0.25, Double.NaN),
        Array(0.75f, 0.125f, 0.125f, 0.2f, 0.5f, 0.3f)))
  }

  test("validation predictions survive the journal, and a record without them reads back with none") {
    withTempDir { dir =>
      val j = journal(dir)
      j.commit(new TrialOutput(predicted, null))
      assert(j.read().asScala == Map(predicted.spec.trialId -> predicted))
      j.commit(new TrialOutput(completed, null))
      // A record written before predictions existed has no such field.
      val record = dir.resolve("journal/" + completed.spec.trialId + ".json")
      val json = Files.readString(record)
      assert(json.contains(",\"predictions\":null"))
      Files.writeString(record, json.replace(",\"predictions\":null", ""))
      assert(j.read().asScala == Map(completed.spec.trialId -> completed))
    }
  }

  test("committing a trial again replaces its record; models are kept only when asked") {
    withTempDir { dir =>
      val j = journal(dir, keepModels = false)
      val failed = TrialFixtures.trial("cfg-a", 0, Seq.empty, bestEpoch = 0,
        status = TrialStatus.FAILED, stopReason = "error", error = "boom")
      j.commit(new TrialOutput(failed, null))
      j.commit(new TrialOutput(completed, Array[Byte](9)))
      assert(j.read().asScala == Map(completed.spec.trialId -> completed))
      assert(!j.model(completed.spec.trialId).isPresent)
      val names = Files.list(dir.resolve("journal")).iterator().asScala.map(_.getFileName.toString).toSet
      assert(names == Set(completed.spec.trialId + ".json", "_staging"))
    }
  }

  test("half-written files are never read as results, and an unreadable record is skipped") {
    withTempDir { dir =>
      val j = journal(dir)
      j.commit(new TrialOutput(completed, null))
      val staging = Files.createDirectories(dir.resolve("journal/_staging"))
      Files.writeString(staging.resolve("cfg-b-s0.json.1234"), "{\"format\":1,\"resu")
      Files.writeString(dir.resolve("journal/cfg-c-s0.json"), "not json")
      assert(j.read().asScala.keySet == Set(completed.spec.trialId))
      j.clearStaging()
      assert(!Files.exists(staging))
    }
  }
}
