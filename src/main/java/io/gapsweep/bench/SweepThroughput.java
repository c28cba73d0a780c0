package io.gapsweep.bench;

import io.gapsweep.config.Axes;
import io.gapsweep.config.SweepSettings;
import io.gapsweep.data.Dataset;
import io.gapsweep.plan.SweepPlan;
import io.gapsweep.plan.TrialSpec;
import io.gapsweep.sweep.SweepRun;
import io.gapsweep.train.ExecutorInfo;
import io.gapsweep.train.NativeBackend;
import io.gapsweep.train.TrialOutput;
import io.gapsweep.train.TrialRunner;
import io.gapsweep.train.TrialStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.spark.sql.SparkSession;

/**
 * Part 2: the same fixed grid run three ways, each timed from the first trial's start to the last
 * trial's end (the Spark session is already up, the data already generated):
 *
 * <ul>
 *   <li>{@link #spark}: gapsweep's own path, {@link SweepRun#dispatch} on the session's master;
 *   <li>{@link #oneAtATime}: a plain Java loop, one trial after another, each with all the cores'
 *       threads: the way one would train without gapsweep;
 *   <li>{@link #concurrent}: a plain Java thread pool with Spark's thread policy (cores / threads
 *       per trial workers, each trial with the threads per trial): what Spark costs on top.
 * </ul>
 */
final class SweepThroughput {

  /** The grid and everything a trial needs. */
  record Grid(SweepSettings settings, SweepPlan plan, Dataset data, int cores, int threadsPerTrial) {}

  /**
   * One timed sweep: its wall time, and the wall time its trials themselves took (each trial's own
   * {@code seconds}, summed), both in seconds.
   */
  record Timing(double seconds, double trialSeconds) {

    /**
     * Wall time spent outside the trials when {@code slots} ran at once: scheduling, the
     * broadcast, results crossing back, idle slots. Unlike the wall time itself, it does not move
     * when the machine's speed drifts and the trials take longer.
     */
    double outsideTrials(int slots) {
      return seconds - trialSeconds / slots;
    }
  }

  private SweepThroughput() {}

  static Timing spark(SparkSession spark, Grid grid) {
    long start = System.nanoTime();
    List<TrialOutput> outputs = java.util.Collections.synchronizedList(new ArrayList<>());
    SweepRun.dispatch(spark, grid.settings(), grid.plan(), grid.plan().trials(), grid.data(),
        grid.threadsPerTrial(), outputs::add);
    return checked(outputs, start);
  }

  static Timing oneAtATime(Grid grid) {
    long start = System.nanoTime();
    List<TrialOutput> outputs = new ArrayList<>();
    for (TrialSpec spec : grid.plan().trials()) {
      outputs.add(train(grid, spec, grid.cores()));
    }
    return checked(outputs, start);
  }

  /**
   * The pool {@link #concurrent} runs on: cores / threads per trial workers. Made once and reused
   * by every sweep, as Spark reuses its task threads; a trial's first run on a new thread pays
   * for per-thread native state that a reused one has.
   */
  static ExecutorService pool(Grid grid) {
    return Executors.newFixedThreadPool(Math.max(1, grid.cores() / grid.threadsPerTrial()));
  }

  static Timing concurrent(ExecutorService pool, Grid grid) {
    try {
      long start = System.nanoTime();
      List<Future<TrialOutput>> futures = new ArrayList<>();
      for (TrialSpec spec : grid.plan().trials()) {
        futures.add(pool.submit(() -> train(grid, spec, grid.threadsPerTrial())));
      }
      List<TrialOutput> outputs = new ArrayList<>();
      for (Future<TrialOutput> future : futures) {
        outputs.add(future.get());
      }
      return checked(outputs, start);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Cannot finish the bench: interrupted", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("Cannot finish the bench: a trial threw", e.getCause());
    }
  }

  private static TrialOutput train(Grid grid, TrialSpec spec, int threads) {
    ExecutorInfo here =
        new ExecutorInfo("bench", "localhost", ProcessHandle.current().pid(), NativeBackend.running());
    return TrialRunner.run(
        spec, grid.settings().training(),
        grid.settings().augmentationPresets().get(spec.value(Axes.AUGMENTATION)), grid.data(), threads, here);
  }

  /** The timing of a sweep begun at {@code start}, once every trial is known to have trained. */
  private static Timing checked(List<TrialOutput> outputs, long start) {
    double seconds = (System.nanoTime() - start) / 1e9;
    for (TrialOutput output : outputs) {
      if (output.result().status() != TrialStatus.COMPLETED) {
        throw new IllegalStateException(
            "Cannot time the bench sweep: trial " + output.result().spec().trialId() + " "
                + output.result().status() + ": " + output.result().error());
      }
    }
    return new Timing(seconds, outputs.stream().mapToDouble(o -> o.result().seconds()).sum());
  }
}
