package io.gapsweep.bench;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigRenderOptions;
import io.gapsweep.analysis.SavedSweep;
import io.gapsweep.dispatch.SweepProgress;
import io.gapsweep.sweep.SweepListener;
import io.gapsweep.sweep.SweepOutcome;
import io.gapsweep.sweep.SweepRequest;
import io.gapsweep.sweep.SweepRun;
import io.gapsweep.sweep.SweepStart;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Part halving: one random search, run as {@code gapsweep run} runs it, three times in the same
 * Spark session: without a scheduler (the "full grid"), with synchronous successive halving and
 * with asynchronous promotion (ASHA); what each spent and what each recommends.
 *
 * <p>Why a random search, not a grid: a grid's configurations are the same whatever the search
 * seed, so its repeats would only re-measure time. Drawing {@code configs} configurations with
 * search seed = repeat gives each repeat another field of configurations (every kind of a repeat
 * trains the same one), and the medians over repeats say how the saving varies with the field.
 */
final class HalvingCost {

  /**
   * What one repeat's sweeps look like.
   *
   * @param configs configurations drawn (1 seed each)
   * @param maxEpochs {@code training.max-epochs}, or null for reference.conf's
   * @param minEpochs {@code search.successive-halving.min-epochs}, or null for reference.conf's
   * @param reductionFactor {@code search.successive-halving.reduction-factor}, or null for
   *     reference.conf's
   * @param patience {@code training.patience}, or null for reference.conf's (the demo's 10 with
   *     {@code demoData})
   * @param demoData the demo's data and networks (24×24 grey, 30 + 40 images per class, depth 2
   *     and 3, reference.conf's network, max-epochs 40 unless given: trials of 20–40 epochs, as
   *     on real images) instead of 8×8 images and a depth-1 network of 4 filters (about 12)
   */
  record Shape(int configs, Integer maxEpochs, Integer minEpochs, Integer reductionFactor,
      Integer patience, boolean demoData) {}

  /**
   * One sweep's cost and recommendation, read back from its output.
   *
   * @param trials trials in the {@code trials} table
   * @param trialEpochs sum of {@code trials.epochs_run}
   * @param pruned trials with {@code stop_reason = 'pruned'}
   * @param busySeconds sum of {@code trials.seconds}: each trial's wall time inside its Spark
   *     task(s), from building (or restoring) its network to its result, over all its segments
   * @param trainingSeconds wall time from just before the first Spark job of the sweep to just
   *     after its last trial was committed ({@link SweepListener#progress} to {@link
   *     SweepListener#trained}): rung barriers and the driver's decisions included
   * @param sweepSeconds the whole {@link SweepRun}, settings to report
   * @param slots trials Spark runs at once: the session's cores over the threads per trial
   * @param rankOne the leaderboard's rank 1
   * @param band the configurations of the leaderboard's competitive band
   * @param ranks every configuration's leaderboard rank
   * @param whileWorkRemains slot utilization while work remains ({@link Tasks#whileWorkRemains})
   */
  record Sweep(long trials, long trialEpochs, long pruned, double busySeconds,
      double trainingSeconds, double sweepSeconds, int slots, String rankOne, Set<String> band,
      java.util.Map<String, Integer> ranks, double whileWorkRemains) {

    /** Busy slot-seconds over available slot-seconds while the sweep trained, in (0, 1]. */
    double utilization() {
      return busySeconds / (slots * trainingSeconds);
    }
  }

  /**
   * The Spark tasks of one sweep's training, as a listener saw them launch and finish, each
   * holding one slot (a slot is threads-per-trial cores, and so is every task's
   * {@code spark.task.cpus}).
   */
  static final class Tasks extends SparkListener {

    private final List<long[]> spans = java.util.Collections.synchronizedList(new ArrayList<>());

    @Override
    public void onTaskEnd(SparkListenerTaskEnd end) {
      add(end.taskInfo().launchTime(), end.taskInfo().finishTime());
    }

    /** A task that held a slot from {@code launchMillis} to {@code finishMillis}. */
    void add(long launchMillis, long finishMillis) {
      spans.add(new long[] {launchMillis, finishMillis});
    }

    /**
     * Busy slot-seconds over available slot-seconds of the tasks launched from {@code startMillis}
     * to {@code endMillis} (the training), from {@code startMillis} until work no longer
     * remains for every slot: until, after the last task has launched, fewer tasks run than there
     * are slots. From then on no task is waiting and none will come (the last configuration
     * training alone at the top rung, say), so an idle slot is not the scheduler's to fill; before
     * it, every idle slot counts, rung barriers and the driver's decisions included.
     */
    double whileWorkRemains(long startMillis, long endMillis, int slots) {
      List<long[]> all;
      synchronized (spans) {
        // Tasks launched after the training (compaction, views) are not the sweep's trials.
        all = spans.stream().filter(span -> span[0] <= endMillis).toList();
      }
      if (all.isEmpty()) {
        return Double.NaN;
      }
      long lastLaunch = all.stream().mapToLong(span -> span[0]).max().getAsLong();
      long[] runningAtLastLaunch = all.stream()
          .filter(span -> span[0] <= lastLaunch && span[1] > lastLaunch)
          .mapToLong(span -> span[1]).sorted().toArray();
      // The slot that frees first after the last launch is the first that no work will need.
      long until = runningAtLastLaunch.length < slots ? lastLaunch
          : runningAtLastLaunch[runningAtLastLaunch.length - slots];
      if (until <= startMillis) {
        return Double.NaN;
      }
      // Spark records a task's finish when the driver has its result, and may already have
      // launched the next task on the freed slot: spans can overlap beyond the slots, so at each
      // moment at most `slots` of the running tasks count as busy.
      java.util.TreeMap<Long, Integer> changes = new java.util.TreeMap<>();
      for (long[] span : all) {
        long from = Math.max(span[0], startMillis);
        long to = Math.min(span[1], until);
        if (from < to) {
          changes.merge(from, 1, Integer::sum);
          changes.merge(to, -1, Integer::sum);
        }
      }
      double busy = 0;
      int running = 0;
      long previous = startMillis;
      for (var change : changes.entrySet()) {
        busy += (double) Math.min(running, slots) * (change.getKey() - previous);
        running += change.getValue();
        previous = change.getKey();
      }
      return busy / ((double) slots * (until - startMillis));
    }
  }

  /** The three ways the part trains a search, in the order of its rows. */
  enum Kind {
    FULL("full grid", "none", "synchronous"),
    SYNCHRONOUS("synchronous halving", "successive-halving", "synchronous"),
    ASYNCHRONOUS("asynchronous halving", "successive-halving", "asynchronous");

    private final String label;
    private final String scheduler;
    private final String mode;

    Kind(String label, String scheduler, String mode) {
      this.label = label;
      this.scheduler = scheduler;
      this.mode = mode;
    }

    /** The kind's name in the bench's rows. */
    String label() {
      return label;
    }
  }

  private HalvingCost() {}

  /** The data and network of {@code shape}'s sweeps, for the bench's note. */
  static String describe(Shape shape) {
    return shape.demoData()
        ? "the demo's data (24×24 grey synthetic images, 30 training and 40 validation per class),"
            + " depth 2 or 3 at reference.conf's width"
        : "8×8 synthetic images, 12 per class (train and validation), depth 1 with 4 filters";
  }

  /** Writes the sweep's settings to {@code dir/<kind>.conf}; its output goes to {@code dir/<kind>}. */
  static Path writeConf(Path dir, Shape shape, Kind kind, long searchSeed) {
    String name = kind.name().toLowerCase(java.util.Locale.ROOT);
    List<String> training = new java.util.ArrayList<>(shape.demoData()
        ? List.of() : List.of("base-filters = 4", "dense-units = 8", "batch-size = 8"));
    Config demo = DemoConf.settings();
    Integer maxEpochs = shape.maxEpochs() != null || !shape.demoData() ? shape.maxEpochs()
        : Integer.valueOf(demo.getInt("training.max-epochs"));
    Integer patience = shape.patience() != null || !shape.demoData() ? shape.patience()
        : Integer.valueOf(demo.getInt("training.patience"));
    if (maxEpochs != null) {
      training.add("max-epochs = " + maxEpochs);
    }
    if (patience != null) {
      training.add("patience = " + patience);
    }
    List<String> rungs = new java.util.ArrayList<>(List.of("mode = " + kind.mode));
    if (shape.minEpochs() != null) {
      rungs.add("min-epochs = " + shape.minEpochs());
    }
    if (shape.reductionFactor() != null) {
      rungs.add("reduction-factor = " + shape.reductionFactor());
    }
    // The sweep's name is not part of a trial id: every kind trains the same trials.
    String hocon = String.join("\n",
        "gapsweep {",
        "  name = halving-bench",
        "  search {",
        "    strategy = random, trials = " + shape.configs() + ", seed = " + searchSeed,
        "    scheduler = " + kind.scheduler,
        "    successive-halving { " + String.join(", ", rungs) + " }",
        "  }",
        "  search-space {",
        "    depth = " + (shape.demoData() ? "[2, 3]" : "[1]"),
        "    learning-rate = { log-uniform = [1e-4, 1e-1] }",
        "    dropout = { uniform = [0, 0.5] }",
        "    l2 = [0, 1e-4, 1e-3]",
        "    augmentation = [none]",
        "    seeds = 1",
        "  }",
        "  training { " + String.join(", ", training) + " }",
        "  validation.scheme = holdout",
        // No test split: the part compares rankings, and a held-out test would refit each sweep.
        shape.demoData()
            ? "  data = " + demo.getValue("data").render(ConfigRenderOptions.concise())
                + "\n  data { source = synthetic, synthetic.test-per-class = 0 }"
            : "  data { source = synthetic, width = 8, height = 8, synthetic {"
                + " train-per-class = 12, validation-per-class = 12, test-per-class = 0 } }",
        "  run { output = \"" + dir.resolve(name).toString().replace("\\", "\\\\") + "\","
            + " save-models = 0, threads-per-trial = auto }",
        "}",
        "");
    try {
      Files.createDirectories(dir);
      return Files.writeString(dir.resolve(name + ".conf"), hocon);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write the halving bench's settings in " + dir, e);
    }
  }

  /** Runs the sweep of {@code conf} in {@code spark} (already started) and reads it back. */
  static Sweep run(SparkSession spark, Path conf, int slots, PrintWriter progress) {
    Bracket bracket = new Bracket(progress);
    long start = System.nanoTime();
    SweepOutcome outcome = SweepRun.run(new SweepRequest(conf, null, false, false), bracket);
    double sweepSeconds = (System.nanoTime() - start) / 1e9;
    progress.println(outcome.phases().format());
    progress.flush();
    SavedSweep.open(spark, outcome.output());
    Row totals = spark.sql("SELECT count(*), sum(epochs_run), sum(seconds),"
        + " count_if(stop_reason = 'pruned') FROM trials").head();
    List<Row> board = spark.sql("SELECT config_id, rank, competitive FROM leaderboard"
        + " WHERE rank IS NOT NULL ORDER BY rank").collectAsList();
    java.util.Map<String, Integer> ranks = new java.util.LinkedHashMap<>();
    board.forEach(r -> ranks.put(r.getString(0), r.getInt(1)));
    Set<String> band = board.stream().filter(r -> !r.isNullAt(2) && r.getBoolean(2))
        .map(r -> r.getString(0)).collect(Collectors.toUnmodifiableSet());
    return new Sweep(totals.getLong(0), totals.getLong(1), totals.getLong(3),
        totals.getDouble(2), bracket.seconds(), sweepSeconds, slots,
        board.isEmpty() ? null : board.get(0).getString(0), band, ranks,
        bracket.whileWorkRemains(slots));
  }

  /** Times the training of a {@link SweepRun}: from its first job to its last commit. */
  private static final class Bracket implements SweepListener {

    private final PrintWriter progress;
    private final Tasks tasks = new Tasks();
    private SparkSession spark;
    private long start;
    private long startMillis;
    private long end;
    private long endMillis;

    Bracket(PrintWriter progress) {
      this.progress = progress;
    }

    @Override
    public void started(SweepStart start) {}

    @Override
    public SweepProgress progress(SparkSession spark, int trials) {
      this.spark = spark;
      spark.sparkContext().addSparkListener(tasks);
      start = System.nanoTime();
      startMillis = System.currentTimeMillis();
      return SweepProgress.lines(spark, trials, progress, Duration.ofSeconds(30));
    }

    @Override
    public void trained() {
      end = System.nanoTime();
      endMillis = System.currentTimeMillis();
    }

    /**
     * Slot utilization while work remained, once the sweep has ended (Spark's listener bus
     * delivers task ends a moment after the jobs return; the run's later queries gave it time).
     */
    double whileWorkRemains(int slots) {
      spark.sparkContext().removeSparkListener(tasks);
      return tasks.whileWorkRemains(startMillis, endMillis, slots);
    }

    double seconds() {
      if (end <= start) {
        throw new IllegalStateException("The sweep's training was not bracketed");
      }
      return (end - start) / 1e9;
    }
  }
}
