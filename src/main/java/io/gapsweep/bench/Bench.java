package io.gapsweep.bench;

import io.gapsweep.config.AugmentationPreset;
import io.gapsweep.config.SettingsLoader;
import io.gapsweep.config.SweepSettings;
import io.gapsweep.data.ImageSet;
import io.gapsweep.data.SyntheticShapes;
import io.gapsweep.dispatch.SparkSessions;
import io.gapsweep.plan.GridExpander;
import io.gapsweep.plan.SweepPlan;
import io.gapsweep.search.SuccessiveHalving;
import io.gapsweep.sweep.Phase;
import io.gapsweep.train.NativeBackend;
import io.gapsweep.train.ThreadPolicy;
import io.gapsweep.train.kernels.Kernels;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.function.DoubleSupplier;
import java.util.function.Supplier;

/**
 * {@code gapsweep bench}: measures this machine and returns a Markdown report of medians over
 * repeated runs. Runs of the kinds a ratio compares alternate, so that a machine getting busier or
 * quieter affects both alike, and each ratio is taken between neighbouring runs before its median
 * is taken. Writes nothing but a temporary folder, which it removes.
 */
public final class Bench {

  /** The parts. */
  public enum Part {
    TRAINING,
    SWEEP,
    PYTORCH,
    RESUME,
    CURVES,
    /** Not among the default parts: it starts two JVMs per repeat. */
    FIXED_COST,
    /** Not among the default parts: three sweeps of at least 27 configurations per repeat. */
    HALVING,
    /** Not among the default parts: the demo and a 108-trial sweep per repeat, minutes each. */
    ANSWER
  }

  /**
   * What to measure.
   *
   * @param parts the parts to run
   * @param repeats runs of each measurement
   * @param samples training images of parts 1 and 3
   * @param epochs timed epochs of parts 1 and 3 (after one warm-up epoch)
   * @param threads threads of parts 1 and 3
   * @param trials trials of part 2's grid
   * @param trialEpochs epochs of every trial of part 2
   * @param trainPerClass synthetic training images per class of part 2
   * @param cores cores of part 2 ({@code local[cores]}, and the threads of one-at-a-time training)
   * @param pythons Python commands to try for part 3, first that imports torch wins
   * @param resumeTrials trials of the resume part's sweep
   * @param curveSeeds seeds of the curves part's dropout configuration
   * @param curveEpochs epochs of every trial of the curves part
   * @param halvingConfigs configurations the halving part draws per repeat
   * @param halvingMaxEpochs the halving part's {@code training.max-epochs}; null: reference.conf's
   * @param halvingMinEpochs its {@code search.successive-halving.min-epochs}; null:
   *     reference.conf's
   * @param halvingReductionFactor its {@code search.successive-halving.reduction-factor}; null:
   *     reference.conf's
   * @param halvingPatience its {@code training.patience}; null: reference.conf's
   */
  public record Options(
      List<Part> parts,
      int repeats,
      int samples,
      int epochs,
      int threads,
      int trials,
      int trialEpochs,
      int trainPerClass,
      int cores,
      List<String> pythons,
      int resumeTrials,
      int curveSeeds,
      int curveEpochs,
      int halvingConfigs,
      Integer halvingMaxEpochs,
      Integer halvingMinEpochs,
      Integer halvingReductionFactor,
      Integer halvingPatience,
      boolean halvingDemoData) {}

  /**
   * Pythons tried for part 3, in order: the one on the PATH, then where Debian's python3-torch
   * lives when another python3 comes first (pyenv, a virtualenv).
   */
  public static final List<String> PYTHONS = List.of("python3", "/usr/bin/python3");

  private Bench() {}

  public static String run(Options options, PrintWriter progress) {
    Machine machine = Machine.current(options);
    BenchTable table = new BenchTable(options.repeats());
    Path workDir;
    try {
      workDir = Files.createTempDirectory("gapsweep-bench");
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create the bench's temporary folder", e);
    }
    try {
      if (options.parts().contains(Part.TRAINING) || options.parts().contains(Part.PYTORCH)) {
        perTrial(options, table, workDir, progress);
      }
      if (options.parts().contains(Part.SWEEP)) {
        sweep(options, table, progress);
      }
      if (options.parts().contains(Part.RESUME)) {
        resume(options, table, workDir, progress);
      }
      if (options.parts().contains(Part.CURVES)) {
        curves(options, table, progress);
      }
      if (options.parts().contains(Part.FIXED_COST)) {
        fixedCost(options, table, workDir, progress);
      }
      if (options.parts().contains(Part.HALVING)) {
        halving(options, table, workDir, progress);
      }
      if (options.parts().contains(Part.ANSWER)) {
        answer(options, table, workDir, progress);
      }
      return table.markdown(machine);
    } finally {
      deleteTree(workDir);
    }
  }

  /**
   * Parts 1 and 3, epoch by epoch: each round trains one epoch of every kind, the kinds in turn
   * first, so that a ratio compares epochs a few seconds apart, not runs a minute apart.
   */
  private static void perTrial(
      Options o, BenchTable table, Path workDir, PrintWriter progress) {
    ImageSet images = ReferenceData.images(o.samples());
    Optional<PyTorchThroughput.Python> python =
        o.parts().contains(Part.PYTORCH) ? PyTorchThroughput.find(o.pythons()) : Optional.empty();
    if (o.parts().contains(Part.PYTORCH) && python.isEmpty()) {
      table.note("PyTorch skipped: none of " + String.join(", ", o.pythons()) + " imports torch.");
    }
    String dl4j = "DL4J reference network, " + o.threads() + " thread(s), one epoch";
    String stock = "DL4J reference network, stock M2 dropout/ReLU/batch-norm backprop, "
        + o.threads() + " thread(s), one epoch";
    String torch =
        python.map(p -> "PyTorch " + p.torchVersion() + " reference network, " + o.threads()
            + " thread(s), one epoch").orElse(null);
    boolean training = o.parts().contains(Part.TRAINING);
    Map<String, AugmentationPreset> presets =
        ReferenceSweep.settings(1, 1, 1, 1).augmentationPresets();
    int round = 0;
    try (PyTorchThroughput.Worker worker = python.map(p ->
        PyTorchThroughput.Worker.start(p, workDir, o.samples(), o.threads())).orElse(null)) {
      for (int r = 0; r < o.repeats(); r++) {
        progress.printf("bench: repeat %d/%d: %d epochs of the reference network, kinds"
            + " alternating%n", r + 1, o.repeats(), o.epochs());
        progress.flush();
        int used = ThreadPolicy.applyToCurrentThread(o.threads());
        try {
          // A fresh network per repeat, as every trial starts from one.
          Map<String, DoubleSupplier> kinds = new LinkedHashMap<>();
          if (training) {
            kinds.put(dl4j, new TrainingThroughput.Trainer(images, Kernels.GAPSWEEP)::epoch);
            kinds.put(stock, new TrainingThroughput.Trainer(images, Kernels.DL4J)::epoch);
          }
          if (worker != null) {
            kinds.put(torch, worker::epoch);
          }
          List<String> labels = List.copyOf(kinds.keySet());
          for (int e = 0; e < o.epochs(); e++, round++) {
            for (int k = 0; k < labels.size(); k++) {
              String label = labels.get((k + round) % labels.size());
              table.add(label, "samples/s", kinds.get(label).getAsDouble());
            }
          }
        } finally {
          ThreadPolicy.releaseWorkspaces();
        }
        if (training) {
          table.note("ND4J threads reported by the training thread: " + used);
          for (String preset : List.of(AugmentationPreset.NONE, "heavy")) {
            table.add("batch assembly alone (TrainingBatches), augmentation " + preset,
                "samples/s", TrainingThroughput.batchesOnly(images, o.epochs(), presets.get(preset)));
          }
        }
      }
    }
    if (training) {
      table.ratio("gapsweep's kernels / DL4J's stock ones, samples per second", dl4j, stock);
    }
    if (training && python.isPresent()) {
      table.target("DL4J / PyTorch samples per second, same threads", dl4j, torch, 0.85, false);
    }
  }

  private static void sweep(Options o, BenchTable table, PrintWriter progress) {
    SweepThroughput.Grid grid = grid(o, o.trials(), o.trialEpochs());
    SweepSettings settings = grid.settings();
    SweepPlan plan = grid.plan();
    int threads = grid.threadsPerTrial();
    String spark = "gapsweep on Spark local[" + o.cores() + "], " + o.trials() + " trials × "
        + o.trialEpochs() + " epochs, " + threads + " thread(s) per trial";
    String sequential = "plain Java loop, one trial at a time × " + o.cores() + " thread(s)";
    int slots = Math.max(1, o.cores() / threads);
    String concurrent = "plain Java pool, " + slots
        + " trials at a time × " + threads + " thread(s) (Spark's thread policy)";
    long start = System.nanoTime();
    ExecutorService pool = SweepThroughput.pool(grid);
    try (SparkSessions.Handle session =
        SparkSessions.forSweep("gapsweep bench", settings.run(), threads)) {
      table.add("Spark session start (once)", "s", (System.nanoTime() - start) / 1e9);
      // Untimed: the first Spark job and the first trial on a thread pay for class loading, JIT
      // compilation and per-thread native state that later ones do not.
      progress.println("bench: warming up Spark, the pool and the trial code");
      progress.flush();
      SweepThroughput.Grid warmUp = grid(o, o.cores(), 1);
      SweepThroughput.spark(session.spark(), warmUp);
      SweepThroughput.concurrent(pool, warmUp);
      List<String> labels = List.of(spark, sequential, concurrent);
      List<Supplier<SweepThroughput.Timing>> kinds = List.of(
          () -> SweepThroughput.spark(session.spark(), grid),
          () -> SweepThroughput.oneAtATime(grid),
          () -> SweepThroughput.concurrent(pool, grid));
      for (int r = 0; r < o.repeats(); r++) {
        // Spark runs between the two sweeps it is compared with, and they swap sides every
        // repeat, so that each ratio is of neighbours and a steady drift favours neither side.
        List<Integer> order = r % 2 == 0 ? List.of(1, 0, 2) : List.of(2, 0, 1);
        SweepThroughput.Timing[] timings = new SweepThroughput.Timing[kinds.size()];
        for (int kind : order) {
          timings[kind] = measureSweep(table, labels.get(kind), plan, progress, r + 1,
              o.repeats(), kinds.get(kind));
        }
        SweepThroughput.Timing withSpark = timings[0];
        SweepThroughput.Timing withPool = timings[2];
        table.add("Spark: wall time outside the trials, per sweep", "s",
            withSpark.outsideTrials(slots));
        table.add("plain pool: wall time outside the trials, per sweep", "s",
            withPool.outsideTrials(slots));
        table.add("Spark overhead outside the trials: (Spark − pool) / Spark's wall time", "%",
            100 * (withSpark.outsideTrials(slots) - withPool.outsideTrials(slots))
                / withSpark.seconds());
        // What decides the first target on this machine, Spark aside: how much faster one trial
        // trains on all the cores than each of `slots` trials sharing them.
        SweepThroughput.Timing alone = timings[1];
        table.add("plain Java loop: seconds per trial, alone × " + o.cores() + " thread(s)", "s",
            alone.trialSeconds() / plan.trials().size());
        table.add("plain pool: seconds per trial, " + slots + " at a time × " + threads
            + " thread(s)", "s", withPool.trialSeconds() / plan.trials().size());
        table.add("best Spark / one at a time can be here: " + slots
            + " × loop's / pool's seconds per trial", "×",
            slots * alone.trialSeconds() / withPool.trialSeconds());
      }
    } finally {
      pool.shutdownNow();
    }
    table.target("trials per hour, Spark / one at a time", spark, sequential, 1.8, false);
    table.target("Spark overhead: 1 − Spark / plain pool, trials per hour", spark, concurrent,
        0.05, true);
  }

  private static void resume(Options o, BenchTable table, Path workDir, PrintWriter progress) {
    int n = o.resumeTrials();
    ResumeCost.Pass last = null;
    try (SparkSessions.Handle session = SparkSessions.forQueries("gapsweep bench")) {
      for (int r = 0; r < o.repeats(); r++) {
        progress.printf("bench: repeat %d/%d: resume of a %d-trial sweep%n", r + 1, o.repeats(), n);
        progress.flush();
        Path folder = workDir.resolve("resume-" + r);
        last = ResumeCost.measure(session.spark(), n, folder);
        deleteTree(folder);
        table.add("commit one finished trial (record + model), " + n + "-trial sweep", "ms",
            last.commitMillisPerTrial());
        table.add("resume: decide what is left of a " + n + "-trial sweep", "s",
            last.decideSeconds());
        table.add("resume: rebuild trials and curves from the journal, " + n + " trials", "s",
            last.compactSeconds());
      }
    }
    table.note(String.format(Locale.ROOT, "A %,d-trial sweep leaves %,d files (%,d bytes) in its"
        + " output: one record and one model per trial in journal/, trials, curves and"
        + " predictions as one Parquet file each, sweep.conf, the .gapsweep marker.", n, last.files(), last.bytes()));
  }

  /**
   * Part fixed-cost: a one-trial sweep and a resume with nothing to train, each in a fresh JVM
   * ({@link FixedCost}), alternating; their wall time and every phase of their breakdown.
   */
  private static void fixedCost(Options o, BenchTable table, Path workDir, PrintWriter progress) {
    Path conf = FixedCost.writeConf(workDir.resolve("fixed-cost"));
    Path output = workDir.resolve("fixed-cost").resolve("out");
    String fresh = "one-trial sweep (1 epoch, 8×8 images), fresh JVM";
    String resume = "resume with nothing to train, fresh JVM";
    String unshared = "one-trial sweep, fresh JVM without the class archive";
    boolean archive = FixedCost.mapsClassArchive();
    for (int r = 0; r < o.repeats(); r++) {
      progress.printf("bench: repeat %d/%d: a one-trial sweep, then its resume, each in a new JVM%s%n",
          r + 1, o.repeats(), archive ? "; the sweep again without the class archive" : "");
      progress.flush();
      // The sweep without the archive goes first and last in turn, beside the one with it.
      if (archive && r % 2 == 1) {
        record(table, unshared, FixedCost.run(conf, output, true, false));
      }
      record(table, fresh, FixedCost.run(conf, output, true, true));
      record(table, resume, FixedCost.run(conf, output, false, true));
      if (archive && r % 2 == 0) {
        record(table, unshared, FixedCost.run(conf, output, true, false));
      }
    }
    table.atMostSeconds("one-trial sweep, end to end (fresh JVM)", fresh + ": wall time", 10);
    table.atMostSeconds("resume with nothing to train, end to end (fresh JVM)",
        resume + ": wall time", 10);
    if (archive) {
      table.ratio("one-trial sweep's wall time, with / without the launcher's class archive",
          fresh + ": wall time", unshared + ": wall time");
    }
    table.note("The fixed-cost part times gapsweep run in a JVM of its own, started with this"
        + " JVM's java, options and class path (as submit/gapsweep starts it), from the process's"
        + " start to its exit; the phases are the run's own breakdown (the Time line), to 0.1 s."
        + (archive ? " This JVM maps the launcher's class-data-sharing archive, and so do the runs"
            + " but the one named without it." : " This JVM maps no class-data-sharing archive"
            + " (started from target/classes, or with GAPSWEEP_CDS=off), nor do its runs."));
  }

  /**
   * Part answer: what a user waits for an answer, per repeat the demo and a cross-validated
   * sweep ({@link TimeToAnswer}), each a fresh {@code gapsweep run}: wall time and breakdown.
   */
  private static void answer(Options o, BenchTable table, Path workDir, PrintWriter progress) {
    List<TimeToAnswer.Sweep> sweeps = TimeToAnswer.write(workDir.resolve("answer"));
    for (int r = 0; r < o.repeats(); r++) {
      for (TimeToAnswer.Sweep sweep : sweeps) {
        progress.printf("bench: repeat %d/%d: %s%n", r + 1, o.repeats(), sweep.label());
        progress.flush();
        FixedCost.Run run = FixedCost.run(sweep.conf(),
            workDir.resolve("answer").resolve("out"), true, true);
        record(table, sweep.label(), run);
        table.add(sweep.label() + ": outside training and the held-out refit", "s",
            run.wallSeconds() - (run.phases().of(Phase.TRAINING).toNanos()
                + run.phases().of(Phase.TEST).toNanos()) / 1e9);
      }
    }
    TimeToAnswer.Sweep crossValidated = sweeps.get(sweeps.size() - 1);
    table.atMostSeconds("a " + crossValidated.trials() + "-trial sweep outside training and the"
        + " held-out refit", crossValidated.label() + ": outside training and the held-out refit",
        10);
    table.note("The answer part runs each sweep with gapsweep run in a JVM of its own, as the"
        + " fixed-cost part does. " + TimeToAnswer.DESCRIPTION);
  }

  /**
   * Part halving: per repeat, {@code halvingConfigs} configurations drawn with search seed =
   * repeat, trained without a scheduler, with synchronous successive halving and with
   * asynchronous promotion ({@link HalvingCost}), the three in rotating order; their trial-epochs,
   * wall times, slot utilization and recommendations.
   */
  private static void halving(Options o, BenchTable table, Path workDir, PrintWriter progress) {
    HalvingCost.Shape shape = new HalvingCost.Shape(o.halvingConfigs(), o.halvingMaxEpochs(),
        o.halvingMinEpochs(), o.halvingReductionFactor(), o.halvingPatience(),
        o.halvingDemoData());
    List<HalvingCost.Kind> kinds = List.of(HalvingCost.Kind.values());
    String full = HalvingCost.Kind.FULL.label();
    Map<HalvingCost.Kind, int[]> sameTied = new LinkedHashMap<>();
    SweepSettings first = null;
    int threads;
    try (SparkSessions.Handle session = SparkSessions.forSweep("gapsweep bench",
        ReferenceSweep.settings(1, 1, 1, o.cores()).run(), 1)) {
      threads = session.spark().sparkContext().getConf().getInt("spark.task.cpus", 1);
      int slots = Math.max(1, session.spark().sparkContext().defaultParallelism() / threads);
      for (int r = 0; r < o.repeats(); r++) {
        Path dir = workDir.resolve("halving-" + r);
        long seed = r + 1;
        Map<HalvingCost.Kind, Path> confs = new LinkedHashMap<>();
        for (HalvingCost.Kind kind : kinds) {
          confs.put(kind, HalvingCost.writeConf(dir, shape, kind, seed));
        }
        if (first == null) {
          first = SettingsLoader.load(confs.get(HalvingCost.Kind.SYNCHRONOUS));
        }
        Map<HalvingCost.Kind, HalvingCost.Sweep> sweeps = new LinkedHashMap<>();
        // The kinds rotate every repeat, so that a machine getting busier favours none.
        for (int i = 0; i < kinds.size(); i++) {
          HalvingCost.Kind kind = kinds.get((i + r) % kinds.size());
          progress.printf("bench: repeat %d/%d: %d configurations (search seed %d), %s%n",
              r + 1, o.repeats(), o.halvingConfigs(), seed, kind.label());
          progress.flush();
          sweeps.put(kind, HalvingCost.run(session.spark(), confs.get(kind), slots, progress));
        }
        deleteTree(dir);
        HalvingCost.Sweep f = sweeps.get(HalvingCost.Kind.FULL);
        for (HalvingCost.Kind kind : kinds) {
          HalvingCost.Sweep s = sweeps.get(kind);
          String name = kind.label();
          table.add(name + ": trial-epochs (sum of trials.epochs_run)", "epochs", s.trialEpochs());
          table.add(name + ": training wall time", "s", s.trainingSeconds());
          table.add(name + ": sweep wall time, settings to report", "s", s.sweepSeconds());
          table.add(name + ": slot utilization while training", "%", 100 * s.utilization());
          table.add(name + ": slot utilization while work remains", "%",
              100 * s.whileWorkRemains());
        }
        for (HalvingCost.Kind kind : kinds.subList(1, kinds.size())) {
          table.add(kind.label() + ": trials pruned", "trials", sweeps.get(kind).pruned());
        }
        table.add(full + ": configurations in the competitive band", "configurations",
            f.band().size());
        for (HalvingCost.Kind kind : kinds.subList(1, kinds.size())) {
          HalvingCost.Sweep h = sweeps.get(kind);
          boolean isSame = h.rankOne() != null && h.rankOne().equals(f.rankOne());
          boolean isTied = !isSame && h.rankOne() != null && f.band().contains(h.rankOne());
          int[] counts = sameTied.computeIfAbsent(kind, k -> new int[2]);
          counts[0] += isSame ? 1 : 0;
          counts[1] += isTied ? 1 : 0;
          table.note(String.format(Locale.ROOT, "Halving, repeat %d (search seed %d), %s:"
              + " trial-epochs %d / %d full (%.2f); training %.1f s / %.1f s (%.2f); slot"
              + " utilization %.0f%% / %.0f%% of %d slots (while work remains %.0f%% / %.0f%%);"
              + " %d of %d trials pruned; its rank 1"
              + " %s %s.", r + 1, seed, kind.label(), h.trialEpochs(), f.trialEpochs(),
              h.trialEpochs() / (double) f.trialEpochs(), h.trainingSeconds(),
              f.trainingSeconds(), h.trainingSeconds() / f.trainingSeconds(),
              100 * h.utilization(), 100 * f.utilization(), slots, 100 * h.whileWorkRemains(),
              100 * f.whileWorkRemains(), h.pruned(), h.trials(),
              h.rankOne(), isSame ? "is the full grid's rank 1 (same)"
                  : isTied ? "is inside the full grid's competitive band (rank "
                      + f.ranks().get(h.rankOne()) + " of " + f.band().size() + "): tied"
                  : "is outside the full grid's competitive band of " + f.band().size()
                      + " (rank 1 " + f.rankOne() + "): neither same nor tied"));
        }
      }
    }
    for (HalvingCost.Kind kind : kinds.subList(1, kinds.size())) {
      String name = kind.label();
      table.ratioAtMost("trial-epochs, " + name + " / full grid",
          name + ": trial-epochs (sum of trials.epochs_run)",
          full + ": trial-epochs (sum of trials.epochs_run)", 1.0 / 3);
      table.ratio("training wall time, " + name + " / full grid",
          name + ": training wall time", full + ": training wall time");
      table.percentAtLeast("slot utilization while work remains, " + name,
          name + ": slot utilization while work remains", 0.9);
    }
    var halving = first.searchSpace().search().scheduler();
    int[] sync = sameTied.get(HalvingCost.Kind.SYNCHRONOUS);
    int[] async = sameTied.get(HalvingCost.Kind.ASYNCHRONOUS);
    table.note(String.format(Locale.ROOT, "Halving: %d configurations per repeat drawn at random"
        + " (search seed = repeat; learning rate log-uniform in [1e-4, 0.1], dropout uniform in"
        + " [0, 0.5], L2 in {0, 1e-4, 1e-3}), 1 seed each, %s, max-epochs %d, patience %d,"
        + " min-epochs %d, reduction factor"
        + " %d (rungs end at %s), %d thread(s) per trial. The recommendation was the full grid's"
        + " rank 1 in %d of %d repeats and inside its competitive band in %d more with"
        + " synchronous halving; %d and %d more with asynchronous halving."
        + " Slot utilization while training = sum of trials.seconds (each trial's time inside"
        + " its Spark tasks) / (slots × the wall time from the sweep's first Spark job to its last"
        + " committed trial). Slot utilization while work remains = the Spark tasks' busy"
        + " slot-seconds / available slot-seconds from the sweep's first Spark job until, after"
        + " the last task has launched, fewer tasks run than there are slots (the last"
        + " configuration training alone: no work is left for the idle slot); rung barriers and"
        + " the driver's decisions before that count as idle.", o.halvingConfigs(),
        HalvingCost.describe(shape), first.training().maxEpochs(),
        first.training().patience(), halving.minEpochs(), halving.reductionFactor(),
        SuccessiveHalving.rungEnds(halving.minEpochs(), halving.reductionFactor(),
            first.training().maxEpochs()), threads, sync[0], o.repeats(), sync[1], async[0],
        async[1]));
  }

  private static void record(BenchTable table, String kind, FixedCost.Run run) {
    table.add(kind + ": wall time", "s", run.wallSeconds());
    table.add(kind + ": outside the trials (wall time − training)", "s",
        run.wallSeconds() - run.phases().of(Phase.TRAINING).toNanos() / 1e9);
    for (Phase phase : Phase.values()) {
      table.add(kind + ": " + phase.label(), "s", run.phases().of(phase).toNanos() / 1e9);
    }
  }

  private static void curves(Options o, BenchTable table, PrintWriter progress) {
    progress.printf("bench: %d seeds on gapsweep's kernels and on DL4J's stock ones%n",
        o.curveSeeds());
    progress.flush();
    CurveEquivalence.Result r = CurveEquivalence.compare(o.curveSeeds(), o.curveEpochs());
    table.note(String.format(Locale.ROOT, "Kernels, same curves? Without dropout, one seed: the"
        + " train and validation losses of gapsweep's kernels and DL4J's stock ones differ by at"
        + " most %.1e in any of %d epochs, the best validation loss by %.1e (float rounding,"
        + " grown by training; compare the spread over seeds below).",
        r.largestDifferenceWithoutDropout(), o.curveEpochs(), r.bestDifferenceWithoutDropout()));
    table.note(String.format(Locale.ROOT, "Kernels, same curves? With dropout 0.25 they draw"
        + " different masks: best validation loss over %d seeds, gapsweep %.4f ± %.4f, DL4J"
        + " %.4f ± %.4f (mean ± sd); Welch's t = %.2f, p = %.2f (p < 0.05 would say they"
        + " differ).", r.gapsweep().getN(), r.gapsweep().getMean(),
        r.gapsweep().getStandardDeviation(), r.stock().getMean(),
        r.stock().getStandardDeviation(), r.welchT(), r.welchP()));
  }

  private static SweepThroughput.Grid grid(Options o, int trials, int epochs) {
    SweepSettings settings = ReferenceSweep.settings(trials, epochs, o.trainPerClass(), o.cores());
    SweepPlan plan = GridExpander.expand(settings);
    int threads = SparkSessions.threadsPerTrial(settings.run(), plan.trials().size());
    return new SweepThroughput.Grid(
        settings, plan, SyntheticShapes.generate(settings.data()), o.cores(), threads);
  }

  /** Runs and records one sweep. */
  private static SweepThroughput.Timing measureSweep(BenchTable table, String label,
      SweepPlan plan, PrintWriter progress, int repeat, int repeats,
      Supplier<SweepThroughput.Timing> timed) {
    progress.printf("bench: repeat %d/%d: %s%n", repeat, repeats, label);
    progress.flush();
    SweepThroughput.Timing timing = timed.get();
    table.add(label, "trials/h", plan.trials().size() * 3600.0 / timing.seconds());
    return timing;
  }

  private static void deleteTree(Path root) {
    try (var paths = Files.walk(root)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a temporary folder left behind is no reason to fail a finished bench
    }
  }

  /** What the figures were measured on. */
  record Machine(String cpu, int processors, String java, String backend) {
    static Machine current(Options options) {
      String cpu = "unknown CPU";
      try {
        for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
          if (line.startsWith("model name")) {
            cpu = line.substring(line.indexOf(':') + 1).strip();
            break;
          }
        }
      } catch (IOException | RuntimeException e) {
        // not Linux: the CPU stays unknown
      }
      return new Machine(cpu, Runtime.getRuntime().availableProcessors(),
          System.getProperty("java.vm.name") + " " + Runtime.version(), NativeBackend.running());
    }
  }
}
