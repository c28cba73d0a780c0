package io.gapsweep.sweep;

import io.gapsweep.dispatch.SweepProgress;
import org.apache.spark.sql.SparkSession;

/** What a {@link SweepRun} tells its caller while it runs. */
public interface SweepListener {

  /** The data is loaded and the output ready: training comes next. */
  void started(SweepStart start);

  /**
   * Instead of {@link #started}: the output holds this sweep, finished, exactly as its last run
   * left it, so the run returns what that run computed without starting Spark ({@link
   * FinishedSweep}).
   *
   * @param dataSummary the data summary that run printed
   * @param resume what the output holds (every trial of the grid)
   */
  default void replaying(
      String name, String dataSummary, int trials, String output, Resume resume) {}

  /**
   * Where trial progress goes while the trials train.
   *
   * @param trials trials to train in this run
   */
  SweepProgress progress(SparkSession spark, int trials);

  /**
   * Every trial of this run has ended and is committed; compaction, views and the report come
   * next. With {@link #progress}, it brackets the training (the bench's slot utilization).
   */
  default void trained() {}
}
