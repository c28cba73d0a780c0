package io.gapsweep.sweep;

import io.gapsweep.dispatch.SweepProgress;
import org.apache.spark.sql.SparkSession;

/** What a {@link SweepRun} tells its caller while it runs. */
public interface SweepListener {

  /** The data is loaded and the output ready: training comes next. */
  void started(SweepStart start);

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
