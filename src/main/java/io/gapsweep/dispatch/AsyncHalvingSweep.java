package io.gapsweep.dispatch;

import io.gapsweep.analysis.CompetitiveBand;
import io.gapsweep.config.Axes;
import io.gapsweep.config.SearchSettings;
import io.gapsweep.config.SweepSettings;
import io.gapsweep.config.TrainingSettings;
import io.gapsweep.data.Dataset;
import io.gapsweep.plan.SweepPlan;
import io.gapsweep.plan.TrialSpec;
import io.gapsweep.search.AsynchronousHalving;
import io.gapsweep.search.SuccessiveHalving;
import io.gapsweep.store.RungJournal;
import io.gapsweep.train.ImageShape;
import io.gapsweep.train.SegmentOutput;
import io.gapsweep.train.TrialCheckpoint;
import io.gapsweep.train.TrialOutput;
import io.gapsweep.train.TrialResult;
import io.gapsweep.train.TrialSegments;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.collection.JavaConverters;
import scala.reflect.ClassTag$;

/**
 * Successive halving with asynchronous promotion ({@code successive-halving.mode =
 * asynchronous}): the driver keeps at most {@code slots} segments in flight, each a one-task Spark
 * job submitted from a pool of {@code slots} driver threads, and whenever one ends it asks {@link
 * AsynchronousHalving} for the next work: a promotion, else a new configuration. The executor side
 * is the synchronous mode's ({@link HalvingSweep}'s segment task, {@link TrialSegments}).
 *
 * <p>All decisions, journal writes and commits happen on the calling thread; the pool threads only
 * wait for their Spark job. When a segment ends, the driver first updates its state in memory and
 * fills the freed slot, then makes durable, in this order: the segment's checkpoint (paused) or
 * trial (ended), the configuration's arrival at its rung once all its trials are there, the jobs
 * just decided, and the trials of configurations pruned at a rung that closed. So a slot never
 * waits for a disk, and the journal is always a prefix of the decisions: a segment whose job step
 * was not written before a kill -9 is work lost, not an inconsistency. A rerun replays the
 * journaled steps into a fresh scheduler (the same state), re-submits the
 * segments of jobs in flight that have no checkpoint at their rung's epoch yet, and goes on. What
 * it decides after that depends on arrival order, as in the first run: asynchronous promotion is
 * not deterministic, only its journaled decisions are.
 */
public final class AsyncHalvingSweep {

  private static final Logger LOG = LoggerFactory.getLogger(AsyncHalvingSweep.class);

  /** What a sweep's segments did, and the slots' use between its first and last. */
  public record Stats(int segments, long epochs, double busySeconds, double wallSeconds,
      int slots) {
    /** Busy task-seconds over available slot-seconds. */
    public double utilization() {
      return wallSeconds <= 0 || slots <= 0 ? 1.0 : busySeconds / (wallSeconds * slots);
    }
  }

  private AsyncHalvingSweep() {}

  /**
   * Trains the trials of {@code plan} under asynchronous successive halving, resuming from what
   * {@code committed} and {@code journal} hold. Same contract as {@link HalvingSweep#run}.
   */
  public static Stats run(
      SparkSession spark, SweepSettings settings, SweepPlan plan, Dataset data,
      int threadsPerTrial, Map<String, TrialResult> committed, RungJournal journal,
      Consumer<TrialOutput> onFinished) {
    return new Loop(spark, settings, plan, data, threadsPerTrial, committed, journal, onFinished)
        .run();
  }

  /** The tie guard of a rung: {@link HalvingSweep#tiedWithLeader} over the arrivals' evidence. */
  static Set<String> tiedWithLeader(List<AsynchronousHalving.Arrival> arrivals) {
    List<CompetitiveBand.Candidate> candidates = new ArrayList<>();
    for (AsynchronousHalving.Arrival a : arrivals) {
      if (a.losses() != null && Double.isFinite(a.score())) {
        candidates.add(new CompetitiveBand.Candidate(a.configId(), a.losses(), 0, 0));
      }
    }
    return HalvingSweep.tiedWithLeader(candidates);
  }

  @SuppressWarnings("unchecked")
  private static <T extends Throwable> RuntimeException rethrow(Throwable t) throws T {
    throw (T) t;
  }

  /** A segment's result with the task that asked for it. */
  private record Done(HalvingSweep.SegmentTask task, SegmentOutput output) {}

  private static final class Loop {

    private final SparkSession spark;
    private final SweepSettings settings;
    private final TrainingSettings training;
    private final Dataset data;
    private final int threads;
    private final RungJournal journal;
    private final Consumer<TrialOutput> onFinished;
    private final List<Integer> ends;
    private final Map<String, List<TrialSpec>> byConfig = new LinkedHashMap<>();
    private final Map<String, TrialResult> done;
    private final Map<String, HalvingSweep.Paused> paused = new HashMap<>();
    /** Checkpoints whose write is deferred to the next {@link #flush}. */
    private final Map<String, TrialCheckpoint> unsaved = new HashMap<>();
    /** Durable writes in decision order, run by {@link #flush}. */
    private final List<Runnable> deferred = new ArrayList<>();
    private final AsynchronousHalving scheduler;
    private final Deque<HalvingSweep.SegmentTask> pending = new ArrayDeque<>();
    /** Trials of each in-flight configuration whose segment has not come back yet. */
    private final Map<String, Set<String>> outstanding = new HashMap<>();
    private final ImageShape shape;
    private final SweepPlan plan;
    private int steps;
    private int segments;
    private long epochs;
    private double busy;

    Loop(SparkSession spark, SweepSettings settings, SweepPlan plan, Dataset data, int threads,
        Map<String, TrialResult> committed, RungJournal journal,
        Consumer<TrialOutput> onFinished) {
      this.spark = spark;
      this.settings = settings;
      this.plan = plan;
      this.training = settings.training();
      this.data = data;
      this.threads = threads;
      this.journal = journal;
      this.onFinished = onFinished;
      SearchSettings.Scheduler halving = settings.searchSpace().search().scheduler();
      this.ends = SuccessiveHalving.rungEnds(
          halving.minEpochs(), halving.reductionFactor(), training.maxEpochs());
      for (TrialSpec spec : plan.trials()) {
        byConfig.computeIfAbsent(spec.configId(), id -> new ArrayList<>()).add(spec);
      }
      this.done = new HashMap<>(committed);
      this.scheduler = new AsynchronousHalving(new ArrayList<>(byConfig.keySet()),
          halving.reductionFactor(), ends.size(), AsyncHalvingSweep::tiedWithLeader);
      this.shape = ImageShape.of(data.train());
    }

    Stats run() {
      for (RungJournal.Step step : journal.steps()) {
        if (step.job() != null) {
          scheduler.replay(step.job());
        } else {
          scheduler.reached(step.rung(), step.arrival());
        }
        steps++;
      }
      if (steps > 0) {
        LOG.info("Asynchronous successive halving: {} journaled steps replayed, {} configurations"
            + " in flight", steps, scheduler.inFlight().size());
      }
      scheduler.inFlight().forEach(this::enqueue);
      int slots = HalvingSweep.slots(spark, threads);
      JavaSparkContext context = JavaSparkContext.fromSparkContext(spark.sparkContext());
      Broadcast<Dataset> shared = context.broadcast(data.withFolds(plan.folds()));
      String group = "gapsweep-asha-" + UUID.randomUUID();
      AtomicInteger threadCount = new AtomicInteger();
      ExecutorService pool = Executors.newFixedThreadPool(slots, runnable -> {
        Thread t = new Thread(runnable, "gapsweep-asha-" + threadCount.incrementAndGet());
        t.setDaemon(true);
        return t;
      });
      CompletionService<Done> completed = new ExecutorCompletionService<>(pool);
      long start = System.nanoTime();
      boolean ok = false;
      try {
        int running = 0;
        while (true) {
          // Slots first, then the durable writes: a freed slot waits for no disk (see flush).
          while (running < slots) {
            if (pending.isEmpty()) {
              Optional<AsynchronousHalving.Job> job = scheduler.next();
              if (job.isEmpty()) {
                break;
              }
              RungJournal.Step step = RungJournal.Step.of(job.get());
              int number = ++steps;
              deferred.add(() -> journal.writeStep(number, step));
              enqueue(job.get().configId(), job.get().rung());
              continue;
            }
            HalvingSweep.SegmentTask task = pending.poll();
            completed.submit(() -> new Done(task, submit(context, shared, group, task)));
            running++;
          }
          flush();
          if (running == 0) {
            if (!scheduler.finished()) {
              throw new IllegalStateException("Asynchronous successive halving stalled with "
                  + scheduler.inFlight() + " in flight and nothing running");
            }
            break;
          }
          Done next;
          try {
            next = completed.take().get();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while trials were training", e);
          } catch (ExecutionException e) {
            // As the synchronous mode: the Spark job's own exception (a SparkException, checked
            // in Java's eyes though Scala declares nothing), not a wrapper.
            throw AsyncHalvingSweep.<RuntimeException>rethrow(e.getCause());
          }
          running--;
          handle(next);
        }
        ok = true;
      } finally {
        // Threads first, then the group: a thread between its last check and runJob would
        // otherwise start a job after the group was cancelled.
        pool.shutdownNow();
        try {
          pool.awaitTermination(1, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        if (ok) {
          shared.destroy();
        } else {
          spark.sparkContext().cancelJobGroup(group);
          // Not destroy: the scheduler may not yet have taken in a job submitted before the
          // cancel, and it serializes the broadcast when it does (an ERROR with a stack trace).
          shared.unpersist(false);
        }
      }
      double wall = (System.nanoTime() - start) / 1e9;
      journal.deleteCheckpoints();
      Stats stats = new Stats(segments, epochs, busy, wall, slots);
      LOG.info("Asynchronous successive halving: {} segments, {} trial-epochs, slot utilization"
          + " {} of {} slots", segments, epochs, String.format("%.2f", stats.utilization()), slots);
      return stats;
    }

    /** Queues the segments that bring {@code config}'s trials to the end of {@code rung}. */
    private void enqueue(String config, int rung) {
      int until = ends.get(rung);
      Set<String> left = new LinkedHashSet<>();
      for (TrialSpec spec : byConfig.get(config)) {
        if (done.containsKey(spec.trialId())) {
          continue;
        }
        // A lost or unreadable checkpoint trains from the start: the same epochs again.
        TrialCheckpoint from = unsaved.containsKey(spec.trialId())
            ? unsaved.get(spec.trialId()) : journal.checkpoint(spec.trialId()).orElse(null);
        if (from != null && from.epochs() >= until) {
          paused.put(spec.trialId(), HalvingSweep.Paused.of(from));
          continue;
        }
        pending.add(new HalvingSweep.SegmentTask(spec,
            settings.augmentationPresets().get(spec.value(Axes.AUGMENTATION)), from, until));
        left.add(spec.trialId());
      }
      if (left.isEmpty()) {
        arrive(config, rung);
      } else {
        outstanding.put(config, left);
      }
    }

    /** Runs one segment as a one-task Spark job; on a pool thread. */
    private SegmentOutput submit(JavaSparkContext context, Broadcast<Dataset> shared,
        String group, HalvingSweep.SegmentTask task) {
      SparkContext sc = spark.sparkContext();
      // Job properties are the submitting thread's: the pool thread sets its own.
      sc.setJobGroup(group, "asynchronous successive halving", false);
      sc.setJobDescription("asynchronous successive halving: trial " + task.spec().trialId()
          + " to epoch " + task.until());
      RDD<HalvingSweep.SegmentTask> rdd = context.parallelize(List.of(task), 1).rdd();
      SegmentOutput[] out = new SegmentOutput[1];
      List<Object> partition = List.of(0);
      sc.runJob(rdd, new HalvingSweep.RunSegment(shared, training, threads),
          JavaConverters.asScalaBuffer(partition).toSeq(),
          new HalvingSweep.Collect(segment -> out[0] = segment),
          ClassTag$.MODULE$.apply(SegmentOutput.class));
      return out[0];
    }

    private void handle(Done next) {
      HalvingSweep.SegmentTask task = next.task();
      SegmentOutput segment = next.output();
      String config = task.spec().configId();
      int rung = scheduler.inFlight().get(config);
      int from = task.from() == null ? 0 : task.from().epochs();
      int trained = (segment.finished() != null
          ? segment.finished().result().epochsRun() : segment.paused().epochs()) - from;
      segments++;
      epochs += Math.max(0, trained);
      busy += HalvingSweep.segmentSeconds(segment, from);
      if (segment.finished() != null) {
        TrialOutput output = new TrialOutput(segment.finished().result().withRung(rung),
            segment.finished().bestModel());
        done.put(segment.trialId(), output.result());
        deferred.add(() -> onFinished.accept(output));
      } else {
        TrialCheckpoint checkpoint = segment.paused();
        unsaved.put(checkpoint.trialId(), checkpoint);
        paused.put(checkpoint.trialId(), HalvingSweep.Paused.of(checkpoint));
        deferred.add(() -> {
          journal.writeCheckpoint(checkpoint);
          unsaved.remove(checkpoint.trialId(), checkpoint);
        });
      }
      Set<String> left = outstanding.get(config);
      left.remove(segment.trialId());
      if (left.isEmpty()) {
        outstanding.remove(config);
        arrive(config, rung);
      }
    }

    /** Journals and records that every trial of {@code config} reached the end of {@code rung}. */
    private void arrive(String config, int rung) {
      HalvingSweep.Score score = HalvingSweep.score(byConfig.get(config), done,
          id -> paused.computeIfAbsent(id, trial -> HalvingSweep.Paused.at(journal, trial, rung)));
      AsynchronousHalving.Arrival arrival = new AsynchronousHalving.Arrival(
          config, score.value(), score.running(), score.losses());
      RungJournal.Step step = RungJournal.Step.of(rung, arrival);
      int number = ++steps;
      deferred.add(() -> journal.writeStep(number, step));
      scheduler.reached(rung, arrival);
      LOG.debug("Configuration {} reached rung {} (epoch {}) with score {}", config, rung,
          ends.get(rung), score.value());
    }

    /**
     * Makes durable, in the order they were decided, what the loop did since the last flush: a
     * segment's trial (ended) or checkpoint (paused) before the arrival it completes, an arrival
     * before the jobs decided on it; then commits the trials pruned at closed rungs. The segments
     * of those jobs may already run: a crash before their job step is written loses their work,
     * never the journal's consistency (a rerun replays what is written and decides the rest again),
     * and their results are handled only after this flush.
     */
    private void flush() {
      for (Runnable write : deferred) {
        write.run();
      }
      deferred.clear();
      commitPruned();
    }

    /** Commits the trials of configurations pruned at a closed rung, once each. */
    private void commitPruned() {
      for (int rung = 0; rung < ends.size(); rung++) {
        for (String config : scheduler.pruned(rung)) {
          for (TrialSpec spec : byConfig.get(config)) {
            if (!done.containsKey(spec.trialId())) {
              int k = rung;
              TrialCheckpoint checkpoint = journal.checkpoint(spec.trialId()).orElseThrow(
                  () -> new IllegalStateException("Trial " + spec.trialId()
                      + " of pruned configuration " + config + " has no checkpoint"));
              commit(TrialSegments.pruned(
                  spec, training, shape, data.classCount(), checkpoint, k));
              paused.remove(spec.trialId());
            }
          }
        }
      }
    }

    private void commit(TrialOutput output) {
      onFinished.accept(output);
      done.put(output.result().spec().trialId(), output.result());
    }
  }
}
