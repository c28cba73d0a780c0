package io.gapsweep.testing

import io.gapsweep.train.TrialResult
import org.apache.spark.sql.{Row, SparkSession}
import org.apache.spark.sql.types._

import scala.collection.JavaConverters._

/**
 * Hand-made rows of the `predictions` table (one per trial and validation example), with exactly
 * the schema of the phase-2 contract, registered as the temp view `predictions` without writing a
 * sweep. Two classes; every example has label 0, the probability of its label is exp(-loss).
 */
object PredictionRows {

  val View = "predictions"

  val schema: StructType = new StructType()
    .add("trial_id", StringType)
    .add("config_id", StringType)
    .add("seed_index", IntegerType)
    .add("fold", IntegerType)
    .add("example_id", IntegerType)
    .add("label", IntegerType)
    .add("predicted", IntegerType)
    .add("loss", DoubleType)
    .add("probabilities", ArrayType(DoubleType))

  /** Rows of `trial` for examples `firstExample`, `firstExample + 1`, ... with these losses. */
  def of(trial: TrialResult, losses: Seq[Double], fold: Int = 0, firstExample: Int = 0): Seq[Row] =
    losses.zipWithIndex.map { case (loss, i) =>
      val p = math.exp(-loss)
      Row(trial.spec.trialId, trial.spec.configId, trial.spec.seedIndex, fold, firstExample + i, 0,
        if (p >= 0.5) 0 else 1, loss, Seq(p, 1 - p))
    }

  /** Registers `rows` as the view `predictions`, replacing any. */
  def register(spark: SparkSession, rows: Seq[Row]): Unit =
    spark.createDataFrame(rows.asJava, schema).createOrReplaceTempView(View)

  /** A sweep that recorded no predictions: no view at all. */
  def drop(spark: SparkSession): Unit = spark.catalog.dropTempView(View)
}
