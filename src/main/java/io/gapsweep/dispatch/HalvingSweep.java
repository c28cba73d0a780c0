package io.gapsweep.dispatch;

import io.gapsweep.Faults;
import io.gapsweep.analysis.CompetitiveBand;
import io.gapsweep.config.AugmentationPreset;
import io.gapsweep.config.Axes;
import io.gapsweep.config.SearchSettings;
import io.gapsweep.config.SweepSettings;
import io.gapsweep.config.TrainingSettings;
import io.gapsweep.data.Dataset;
import io.gapsweep.plan.SweepPlan;
import io.gapsweep.plan.TrialSpec;
import io.gapsweep.search.SuccessiveHalving;
import io.gapsweep.store.RungJournal;
import io.gapsweep.train.ImageShape;
import io.gapsweep.train.Predictions;
import io.gapsweep.train.SegmentOutput;
import io.gapsweep.train.TrialCheckpoint;
import io.gapsweep.train.TrialOutput;
import io.gapsweep.train.TrialResult;
import io.gapsweep.train.TrialSegments;
import io.gapsweep.train.TrialStatus;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.collection.JavaConverters;
import scala.reflect.ClassTag$;
import scala.runtime.AbstractFunction2;
import scala.runtime.BoxedUnit;

/**
 * Successive halving with synchronous rungs: one Spark job per rung, the decision on the driver in
 * between ({@link SuccessiveHalving}).
 *
 * <p>{@code successive-halving.mode = synchronous}, the default; {@link AsyncHalvingSweep} is the
 * asynchronous mode. Why synchronous stays the default, beside ASHA's asynchronous promotion (Li et
 * al. 2020, "A System for Massively Parallel Hyperparameter Tuning", MLSys): a rung's decision
 * sees every configuration of the rung, so it is deterministic (the same settings prune the same
 * configurations, whatever the thread or executor order) and a rerun after a crash reaches the same final tables; a rung is a
 * set of trial ids and a decision is one journal file. ASHA never waits, which is what it buys on
 * hundreds of workers; its price is decisions against whoever arrived first, revisited never. The
 * cost here is idle slots at each barrier while a rung's last segments run; {@code
 * SuccessiveHalvingSuite} measures slot utilization per rung (busy task-seconds over slots × job
 * seconds) and logs it.
 *
 * <p>Each trial is committed exactly once, as without a scheduler: when it ends inside a segment
 * (patience, the epoch limit, divergence, an error), or when its configuration is pruned (status
 * COMPLETED, stop reason {@code pruned}, its kept model and predictions those of its best epoch
 * so far), each with the rung it reached.
 */
public final class HalvingSweep {

  private static final Logger LOG = LoggerFactory.getLogger(HalvingSweep.class);

  private HalvingSweep() {}

  /** What one rung's job did: segments run, their epochs, and the slots' use. */
  public record RungStats(int rung, int segments, long epochs, double busySeconds,
      double wallSeconds, int slots) {
    /** Busy task-seconds over available slot-seconds. */
    public double utilization() {
      return wallSeconds <= 0 || slots <= 0 ? 1.0 : busySeconds / (wallSeconds * slots);
    }
  }

  /**
   * Trains the trials of {@code plan} under successive halving, resuming from what {@code
   * committed} and {@code journal} hold.
   *
   * @param committed trials committed by earlier runs of this sweep, by id
   * @param onFinished called on the driver once per trial as it ends (including pruned trials);
   *     it must make the trial durable before it returns
   * @return one entry per rung job this run submitted
   */
  public static List<RungStats> run(
      SparkSession spark, SweepSettings settings, SweepPlan plan, Dataset data,
      int threadsPerTrial, Map<String, TrialResult> committed, RungJournal journal,
      Consumer<TrialOutput> onFinished) {
    SearchSettings.Scheduler scheduler = settings.searchSpace().search().scheduler();
    TrainingSettings training = settings.training();
    List<Integer> ends = SuccessiveHalving.rungEnds(
        scheduler.minEpochs(), scheduler.reductionFactor(), training.maxEpochs());
    Map<String, List<TrialSpec>> byConfig = new LinkedHashMap<>();
    for (TrialSpec spec : plan.trials()) {
      byConfig.computeIfAbsent(spec.configId(), id -> new ArrayList<>()).add(spec);
    }
    Map<String, TrialResult> done = new HashMap<>(committed);
    Consumer<TrialOutput> commit = output -> {
      onFinished.accept(output);
      done.put(output.result().spec().trialId(), output.result());
    };
    ImageShape shape = ImageShape.of(data.train());
    List<RungStats> stats = new ArrayList<>();
    List<String> active = new ArrayList<>(byConfig.keySet());
    JavaSparkContext context = JavaSparkContext.fromSparkContext(spark.sparkContext());
    Broadcast<Dataset> shared = context.broadcast(data.withFolds(plan.folds()));
    try {
      for (int rung = 0; rung < ends.size() && !active.isEmpty(); rung++) {
        int until = ends.get(rung);
        List<SegmentTask> tasks = new ArrayList<>();
        for (String config : active) {
          for (TrialSpec spec : byConfig.get(config)) {
            if (done.containsKey(spec.trialId())) {
              continue;
            }
            // A lost or unreadable checkpoint trains from the start: the same epochs again.
            TrialCheckpoint from = journal.checkpoint(spec.trialId()).orElse(null);
            if (from != null && from.epochs() >= until) {
              continue;
            }
            tasks.add(new SegmentTask(spec, settings.augmentationPresets()
                .get(spec.value(Axes.AUGMENTATION)), from, until));
          }
        }
        int rungIndex = rung;
        stats.add(runJob(spark, context, shared, training, threadsPerTrial, tasks, rung, segment -> {
          if (segment.finished() != null) {
            commit.accept(new TrialOutput(
                segment.finished().result().withRung(rungIndex), segment.finished().bestModel()));
          } else {
            journal.writeCheckpoint(segment.paused());
          }
        }));
        Faults.driverReached("rung-trained");
        if (rung == ends.size() - 1) {
          break;
        }
        Optional<SuccessiveHalving.Decision> journaled = journal.decision(rung);
        SuccessiveHalving.Decision decision;
        if (journaled.isPresent()) {
          decision = journaled.get();
        } else {
          decision = decide(rung, scheduler.reductionFactor(), active, byConfig, done, journal);
          journal.writeDecision(decision);
        }
        LOG.info("Rung {} (epoch {}): {} configurations ranked, {} continue ({} tied), {} pruned",
            rung, until, decision.ranked().size(), decision.continuing().size(),
            decision.tied().size(), decision.pruned().size());
        for (String config : decision.pruned()) {
          for (TrialSpec spec : byConfig.get(config)) {
            if (!done.containsKey(spec.trialId())) {
              TrialCheckpoint checkpoint = journal.checkpoint(spec.trialId()).orElseThrow(
                  () -> new IllegalStateException("Trial " + spec.trialId()
                      + " of pruned configuration " + config + " has no checkpoint"));
              commit.accept(TrialSegments.pruned(
                  spec, training, shape, data.classCount(), checkpoint, rungIndex));
            }
          }
        }
        active = decision.continuing();
      }
    } finally {
      shared.destroy();
    }
    journal.deleteCheckpoints();
    return stats;
  }

  /**
   * Ranks the configurations that trained in {@code rung}. A trial's part of its configuration's
   * score is its best validation loss so far: from its checkpoint when it paused, from its result
   * when it ended (+∞ when it failed or diverged).
   */
  static SuccessiveHalving.Decision decide(
      int rung, int reductionFactor, List<String> active, Map<String, List<TrialSpec>> byConfig,
      Map<String, TrialResult> done, RungJournal journal) {
    List<SuccessiveHalving.Standing> standings = new ArrayList<>();
    List<CompetitiveBand.Candidate> candidates = new ArrayList<>();
    for (String config : active) {
      Score score = score(byConfig.get(config), done, id -> Paused.at(journal, id, rung));
      standings.add(new SuccessiveHalving.Standing(config, score.value(), score.running()));
      if (score.losses() != null) {
        candidates.add(new CompetitiveBand.Candidate(config, score.losses(), 0, 0));
      }
    }
    return SuccessiveHalving.decide(rung, reductionFactor, standings, tiedWithLeader(candidates));
  }

  /** What a paused trial tells of its configuration at a rung: its best loss and predictions. */
  record Paused(double bestLoss, Predictions predictions) {
    static Paused of(TrialCheckpoint checkpoint) {
      return new Paused(checkpoint.bestValidationLoss(), checkpoint.bestPredictions());
    }

    /** From the journaled checkpoint of a trial paused at the end of {@code rung}. */
    static Paused at(RungJournal journal, String trialId, int rung) {
      return of(journal.checkpoint(trialId).orElseThrow(() -> new IllegalStateException(
          "Trial " + trialId + " has no checkpoint at the end of rung " + rung)));
    }
  }

  /**
   * A configuration's standing at a rung.
   *
   * @param value the mean over its trials of their best validation loss so far (+∞ for a trial
   *     that failed or diverged)
   * @param running whether a trial of it is paused rather than ended
   * @param losses per-example losses for the tie test ({@link #exampleLosses}); null when the
   *     value is not finite or a trial has no predictions
   */
  record Score(double value, boolean running, double[] losses) {}

  /**
   * Scores a configuration from its {@code trials}: an ended trial from its result in {@code
   * done}, a paused one from {@code paused}. The synchronous and the asynchronous schedulers rank
   * with this one definition, so they prune alike.
   */
  static Score score(List<TrialSpec> trials, Map<String, TrialResult> done,
      Function<String, Paused> paused) {
    double sum = 0;
    boolean running = false;
    List<Predictions> predictions = new ArrayList<>();
    for (TrialSpec spec : trials) {
      TrialResult result = done.get(spec.trialId());
      if (result != null) {
        boolean completed = result.status() == TrialStatus.COMPLETED;
        sum += completed ? bestLoss(result) : Double.POSITIVE_INFINITY;
        predictions.add(completed ? result.predictions() : null);
      } else {
        Paused evidence = paused.apply(spec.trialId());
        sum += evidence.bestLoss();
        predictions.add(evidence.predictions());
        running = true;
      }
    }
    double value = sum / trials.size();
    return new Score(value, running, Double.isFinite(value) ? exampleLosses(predictions) : null);
  }

  /**
   * The configurations within one standard error of the leader's validation loss, paired by
   * example: the leaderboard's default band rule ({@link CompetitiveBand.OneStandardError}), at
   * each trial's best epoch so far. Empty when the evidence does not line up (configurations
   * without predictions are never kept for a tie: only for their rank).
   */
  static Set<String> tiedWithLeader(List<CompetitiveBand.Candidate> candidates) {
    Set<String> tied = new HashSet<>();
    if (candidates.size() < 2) {
      return tied;
    }
    int n = candidates.get(0).losses().length;
    List<CompetitiveBand.Candidate> comparable =
        candidates.stream().filter(c -> c.losses().length == n).toList();
    try {
      for (CompetitiveBand.Standing s :
          CompetitiveBand.rank(comparable, new CompetitiveBand.OneStandardError(1.0))) {
        if (s.competitive()) {
          tied.add(s.key());
        }
      }
    } catch (IllegalArgumentException e) {
      LOG.warn("No tie guard at this rung: {}", e.getMessage());
    }
    return tied;
  }

  /**
   * Per-example validation losses of a configuration, each example's mean over the trials that
   * hold it (seeds; under k-fold each fold holds its own examples), in example-id order; null
   * when a trial has none.
   */
  static double[] exampleLosses(List<Predictions> predictions) {
    TreeMap<Integer, double[]> byExample = new TreeMap<>();
    for (Predictions p : predictions) {
      if (p == null) {
        return null;
      }
      for (int i = 0; i < p.size(); i++) {
        double[] sumCount = byExample.computeIfAbsent(p.exampleId(i), id -> new double[2]);
        sumCount[0] += p.losses()[i];
        sumCount[1]++;
      }
    }
    return byExample.values().stream().mapToDouble(v -> v[0] / v[1]).toArray();
  }

  static double bestLoss(TrialResult result) {
    return result.curve().stream().mapToDouble(p -> p.valLoss())
        .filter(v -> !Double.isNaN(v)).min().orElse(Double.POSITIVE_INFINITY);
  }

  private static RungStats runJob(
      SparkSession spark, JavaSparkContext context, Broadcast<Dataset> shared,
      TrainingSettings training, int threads, List<SegmentTask> tasks, int rung,
      Consumer<SegmentOutput> onSegment) {
    if (tasks.isEmpty()) {
      return new RungStats(rung, 0, 0, 0, 0, slots(spark, threads));
    }
    spark.sparkContext().setJobDescription("successive halving: rung " + rung);
    long start = System.nanoTime();
    long[] epochs = {0};
    double[] busy = {0};
    RDD<SegmentTask> rdd = context.parallelize(tasks, tasks.size()).rdd();
    List<Object> partitions = new ArrayList<>(IntStream.range(0, tasks.size()).boxed().toList());
    Map<String, Integer> fromEpochs = new HashMap<>();
    tasks.forEach(t -> fromEpochs.put(t.spec().trialId(),
        t.from() == null ? 0 : t.from().epochs()));
    spark.sparkContext().runJob(
        rdd,
        new RunSegment(shared, training, threads),
        JavaConverters.asScalaBuffer(partitions).toSeq(),
        new Collect(segment -> {
          int trained = (segment.finished() != null
              ? segment.finished().result().epochsRun() : segment.paused().epochs())
              - fromEpochs.getOrDefault(segment.trialId(), 0);
          epochs[0] += Math.max(0, trained);
          busy[0] += segmentSeconds(segment, fromEpochs.getOrDefault(segment.trialId(), 0));
          onSegment.accept(segment);
        }),
        ClassTag$.MODULE$.apply(SegmentOutput.class));
    double wall = (System.nanoTime() - start) / 1e9;
    RungStats stats =
        new RungStats(rung, tasks.size(), epochs[0], busy[0], wall, slots(spark, threads));
    LOG.info("Rung {}: {} segments, {} trial-epochs, slot utilization {}", rung, tasks.size(),
        epochs[0], String.format("%.2f", stats.utilization()));
    return stats;
  }

  /** Seconds the segment's epochs took (training and evaluation; not building the network). */
  static double segmentSeconds(SegmentOutput segment, int fromEpoch) {
    List<io.gapsweep.train.EpochMetrics> curve = segment.finished() != null
        ? segment.finished().result().curve() : segment.paused().curve();
    return curve.stream().filter(p -> p.epoch() > fromEpoch)
        .mapToDouble(io.gapsweep.train.EpochMetrics::seconds).sum();
  }

  /** Trials that can run at once: the cores Spark offers over the threads (task cpus) per trial. */
  static int slots(SparkSession spark, int threads) {
    return Math.max(1, spark.sparkContext().defaultParallelism() / Math.max(1, threads));
  }

  /** One segment to train: the trial, its preset, where it continues from, where it pauses. */
  record SegmentTask(TrialSpec spec, AugmentationPreset preset, TrialCheckpoint from, int until)
      implements Serializable {}

  static final class RunSegment
      extends AbstractFunction2<TaskContext, scala.collection.Iterator<SegmentTask>, SegmentOutput>
      implements Serializable {

    private final Broadcast<Dataset> data;
    private final TrainingSettings training;
    private final int threads;

    RunSegment(Broadcast<Dataset> data, TrainingSettings training, int threads) {
      this.data = data;
      this.training = training;
      this.threads = threads;
    }

    @Override
    public SegmentOutput apply(TaskContext context, scala.collection.Iterator<SegmentTask> tasks) {
      SegmentTask task = tasks.next();
      Faults.maybeHaltExecutor(context);
      Faults.maybeFailFirstAttempt(context);
      return TrialSegments.run(task.spec(), training, task.preset(), data.value(), threads,
          SparkSweep.executorInfo(), task.from(), task.until());
    }
  }

  static final class Collect extends AbstractFunction2<Object, SegmentOutput, BoxedUnit> {

    private final Consumer<SegmentOutput> onSegment;

    Collect(Consumer<SegmentOutput> onSegment) {
      this.onSegment = onSegment;
    }

    @Override
    public BoxedUnit apply(Object partition, SegmentOutput output) {
      onSegment.accept(output);
      return BoxedUnit.UNIT;
    }
  }
}
