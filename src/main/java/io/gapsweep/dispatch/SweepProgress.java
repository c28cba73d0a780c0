package io.gapsweep.dispatch;

import io.gapsweep.train.EpochMetrics;
import io.gapsweep.train.TrialOutput;
import io.gapsweep.train.TrialResult;
import io.gapsweep.train.TrialStatus;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.SparkListenerTaskStart;
import org.apache.spark.sql.SparkSession;

/**
 * Shows a sweep's progress: trials done of total, running, failed, elapsed, ETA and the best
 * trial so far.
 *
 * <p>On a terminal it draws a progress bar (me.tongfei:progressbar). Anywhere else (CI logs, files)
 * a redrawn bar would garble the output, so it prints a plain line when a trial ends, at most one
 * per {@code interval}, and always one for the last trial.
 *
 * <p>The best trial so far is the one of lowest validation loss at its kept epoch, shown with its
 * generalization gap ("best loss 0.6312 (gap 0.1180)"). The leaderboard's competitive band cannot
 * be drawn live: it compares every configuration's per-example losses, averaged over seeds and
 * folds, which only exist once the sweep has finished. The lowest loss is what the band is
 * anchored on, so the live line shows where the band will start, not which configuration will be
 * ranked first.
 */
public final class SweepProgress implements Consumer<TrialOutput>, AutoCloseable {

  private final int total;
  private final ProgressBar bar;
  private final PrintWriter plain;
  private final Duration interval;
  private final long start = System.nanoTime();
  private final RunningTrials running = new RunningTrials();
  private final SparkSession spark;
  private final SparkListener listener;
  private int done;
  private int failed;
  private int diverged;
  private double bestLoss = Double.POSITIVE_INFINITY;
  private double bestGap = Double.NaN;
  private long lastLine;

  private SweepProgress(
      SparkSession spark, int total, ProgressBar bar, PrintWriter plain, Duration interval) {
    this.spark = spark;
    this.total = total;
    this.bar = bar;
    this.plain = plain;
    this.interval = interval;
    this.listener = new RunningTasks(running);
    spark.sparkContext().addSparkListener(listener);
  }

  /** A progress bar redrawn in place on standard error; for an interactive terminal. */
  public static SweepProgress bar(SparkSession spark, int total) {
    ProgressBar bar =
        new ProgressBarBuilder()
            .setTaskName("trials")
            .setInitialMax(total)
            .setStyle(ProgressBarStyle.ASCII)
            .setConsumer(new ConsoleProgressBarConsumer(System.err))
            .setUpdateIntervalMillis(500)
            .build();
    return new SweepProgress(spark, total, bar, null, Duration.ZERO);
  }

  /** Plain lines on {@code out}, at most one per {@code interval}; for logs. */
  public static SweepProgress lines(
      SparkSession spark, int total, PrintWriter out, Duration interval) {
    return new SweepProgress(spark, total, null, out, interval);
  }

  @Override
  public synchronized void accept(TrialOutput output) {
    TrialResult result = output.result();
    done++;
    if (result.status() == TrialStatus.FAILED) {
      failed++;
    } else if (result.status() == TrialStatus.DIVERGED) {
      diverged++;
    } else if (result.bestEpoch() > 0) {
      EpochMetrics best = result.curve().get(result.bestEpoch() - 1);
      // Ties keep the first: the line does not flicker between equal trials.
      if (best.valLoss() < bestLoss) {
        bestLoss = best.valLoss();
        bestGap = best.valLoss() - best.trainLoss();
      }
    }
    if (bar != null) {
      bar.stepTo(done);
      bar.setExtraMessage(status());
    } else {
      long now = System.nanoTime();
      if (done == total || now - lastLine >= interval.toNanos()) {
        lastLine = now;
        plain.println(line(now));
        plain.flush();
      }
    }
  }

  private String status() {
    return String.format(
        Locale.ROOT, "running %d, failed %d, diverged %d, best loss %s",
        running.count(slots(), total - done), failed, diverged,
        Double.isNaN(bestGap) ? "-"
            : String.format(Locale.ROOT, "%.4f (gap %.4f)", bestLoss, bestGap));
  }

  private String line(long now) {
    double elapsed = (now - start) / 1e9;
    String eta =
        done == 0 || done == total
            ? "-"
            : String.format(Locale.ROOT, "%.0fs", elapsed / done * (total - done));
    return String.format(
        Locale.ROOT, "trials %d/%d (%d%%), %s, elapsed %.0fs, eta %s",
        done, total, 100 * done / total, status(), elapsed, eta);
  }

  /** Trials that can run at once: the cluster's cores (as Spark counts them) per task's cores. */
  private int slots() {
    int cores = spark.sparkContext().schedulerBackend().defaultParallelism();
    int perTask = spark.sparkContext().getConf().getInt("spark.task.cpus", 1);
    return Math.max(1, cores / Math.max(1, perTask));
  }

  @Override
  public void close() {
    spark.sparkContext().removeSparkListener(listener);
    if (bar != null) {
      bar.close();
    }
  }

  /**
   * Task attempts that have started and not ended, one per partition of a stage: a retried or
   * resubmitted attempt replaces the one before it instead of counting as another trial.
   */
  static final class RunningTrials {

    private final Map<String, Long> attempts = new ConcurrentHashMap<>();

    void started(int stageId, int partition, long taskId) {
      attempts.put(stageId + ":" + partition, taskId);
    }

    void ended(int stageId, int partition, long taskId) {
      attempts.remove(stageId + ":" + partition, taskId);
    }

    /**
     * Running trials, never more than the slots or the trials not done yet. Spark hands a result
     * to the sweep before its listeners hear that the task ended, and a sweep's commits run tasks
     * of their own, so the attempts alone can overcount for a moment.
     */
    int count(int slots, int remaining) {
      return Math.max(0, Math.min(attempts.size(), Math.min(slots, remaining)));
    }
  }

  /** Feeds {@link RunningTrials} from Spark's task events. */
  private static final class RunningTasks extends SparkListener {
    private final RunningTrials running;

    RunningTasks(RunningTrials running) {
      this.running = running;
    }

    @Override
    public void onTaskStart(SparkListenerTaskStart taskStart) {
      running.started(
          taskStart.stageId(), taskStart.taskInfo().index(), taskStart.taskInfo().taskId());
    }

    @Override
    public void onTaskEnd(SparkListenerTaskEnd taskEnd) {
      running.ended(taskEnd.stageId(), taskEnd.taskInfo().index(), taskEnd.taskInfo().taskId());
    }
  }
}
