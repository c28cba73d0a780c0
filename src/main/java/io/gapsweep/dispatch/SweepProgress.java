package io.gapsweep.dispatch;

import io.gapsweep.train.EpochMetrics;
import io.gapsweep.train.TrialOutput;
import io.gapsweep.train.TrialResult;
import io.gapsweep.train.TrialStatus;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
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
 * Shows a sweep's progress: trials done of total, running, failed, elapsed, ETA and the best gap
 * so far.
 *
 * <p>On a terminal it draws a progress bar (me.tongfei:progressbar). Anywhere else (CI logs, files)
 * a redrawn bar would garble the output, so it prints a plain line when a trial ends, at most one
 * per {@code interval}, and always one for the last trial. The best gap so far follows the
 * leaderboard's rule per trial: among trials whose validation accuracy is within the tolerance of
 * the best seen, the smallest gap at the best epoch.
 */
public final class SweepProgress implements Consumer<TrialOutput>, AutoCloseable {

  private final int total;
  private final double tolerance;
  private final ProgressBar bar;
  private final PrintWriter plain;
  private final Duration interval;
  private final long start = System.nanoTime();
  private final AtomicInteger running = new AtomicInteger();
  private final SparkSession spark;
  private final SparkListener listener;
  private int done;
  private int failed;
  private int diverged;
  private double bestValAcc = Double.NEGATIVE_INFINITY;
  private double bestGap = Double.NaN;
  private long lastLine;

  private SweepProgress(
      SparkSession spark, int total, double tolerance, ProgressBar bar, PrintWriter plain,
      Duration interval) {
    this.spark = spark;
    this.total = total;
    this.tolerance = tolerance;
    this.bar = bar;
    this.plain = plain;
    this.interval = interval;
    this.listener = new RunningTasks(running);
    spark.sparkContext().addSparkListener(listener);
  }

  /** A progress bar redrawn in place on standard error; for an interactive terminal. */
  public static SweepProgress bar(SparkSession spark, int total, double tolerance) {
    ProgressBar bar =
        new ProgressBarBuilder()
            .setTaskName("trials")
            .setInitialMax(total)
            .setStyle(ProgressBarStyle.ASCII)
            .setConsumer(new ConsoleProgressBarConsumer(System.err))
            .setUpdateIntervalMillis(500)
            .build();
    return new SweepProgress(spark, total, tolerance, bar, null, Duration.ZERO);
  }

  /** Plain lines on {@code out}, at most one per {@code interval}; for logs. */
  public static SweepProgress lines(
      SparkSession spark, int total, double tolerance, PrintWriter out, Duration interval) {
    return new SweepProgress(spark, total, tolerance, null, out, interval);
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
      double gap = best.valLoss() - best.trainLoss();
      if (best.valAcc() > bestValAcc + tolerance) {
        // A clearly better model: earlier ones are no longer competitive.
        bestGap = gap;
      } else if (best.valAcc() >= bestValAcc - tolerance) {
        bestGap = Double.isNaN(bestGap) ? gap : Math.min(bestGap, gap);
      }
      bestValAcc = Math.max(bestValAcc, best.valAcc());
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
        Locale.ROOT, "running %d, failed %d, diverged %d, best gap %s",
        Math.max(0, running.get()), failed, diverged,
        Double.isNaN(bestGap) ? "-" : String.format(Locale.ROOT, "%.4f", bestGap));
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

  @Override
  public void close() {
    spark.sparkContext().removeSparkListener(listener);
    if (bar != null) {
      bar.close();
    }
  }

  /** Counts tasks between start and end; trials are the only tasks of a sweep's job. */
  private static final class RunningTasks extends SparkListener {
    private final AtomicInteger running;

    RunningTasks(AtomicInteger running) {
      this.running = running;
    }

    @Override
    public void onTaskStart(SparkListenerTaskStart taskStart) {
      running.incrementAndGet();
    }

    @Override
    public void onTaskEnd(SparkListenerTaskEnd taskEnd) {
      running.decrementAndGet();
    }
  }
}
