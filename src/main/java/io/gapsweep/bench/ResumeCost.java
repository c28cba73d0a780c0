package io.gapsweep.bench;

import io.gapsweep.config.LoadedSettings;
import io.gapsweep.plan.GridExpander;
import io.gapsweep.plan.SweepPlan;
import io.gapsweep.plan.TrialSpec;
import io.gapsweep.store.OutputFolder;
import io.gapsweep.store.SweepOutput;
import io.gapsweep.sweep.Resume;
import io.gapsweep.store.WriteMode;
import io.gapsweep.train.EpochMetrics;
import io.gapsweep.train.ExecutorInfo;
import io.gapsweep.train.TrialOutput;
import io.gapsweep.train.TrialResult;
import io.gapsweep.train.TrialStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;

/**
 * What durability costs a large sweep, without training it: a sweep of {@code trials} finished
 * trials (20-epoch curves, 40 KB models: what the reference network's zip weighs) is committed
 * trial by trial, then resumed as {@code gapsweep run} does.
 */
final class ResumeCost {

  /** Timings of one pass, and what the output then holds. */
  record Pass(double commitMillisPerTrial, double decideSeconds, double compactSeconds,
      long files, long bytes) {}

  private static final int EPOCHS = 20;
  private static final int MODEL_BYTES = 40_000;

  private ResumeCost() {}

  static Pass measure(SparkSession spark, int trials, Path folder) {
    LoadedSettings loaded = ReferenceSweep.loaded(trials, EPOCHS, 4, 1);
    SweepPlan plan = GridExpander.expand(loaded.settings());
    List<String> ids = plan.trials().stream().map(TrialSpec::trialId).toList();
    String output = folder.toString();
    Random random = new Random(trials);
    byte[] model = new byte[MODEL_BYTES];
    random.nextBytes(model);

    long start = System.nanoTime();
    try (SweepOutput sweep = open(spark, output)) {
      sweep.start(loaded.resolvedHocon(), WriteMode.FAIL_IF_EXISTS);
      for (TrialSpec spec : plan.trials()) {
        sweep.commit(new TrialOutput(finished(spec, random), model));
      }
    }
    double commitMillis = (System.nanoTime() - start) / 1e6 / trials;

    // What a resume does before it trains anything: lock, compare, read the journal, subtract.
    start = System.nanoTime();
    double decide;
    double compact;
    try (SweepOutput sweep = open(spark, output)) {
      Optional<Resume> resume = Resume.decide(sweep, loaded, plan, false, false);
      if (resume.isEmpty() || !resume.get().todo().isEmpty()) {
        throw new IllegalStateException("resume found " + resume + " left");
      }
      decide = (System.nanoTime() - start) / 1e9;
      start = System.nanoTime();
      sweep.compact(spark, ids);
      compact = (System.nanoTime() - start) / 1e9;
    }
    return new Pass(commitMillis, decide, compact, count(folder, false), count(folder, true));
  }

  /** The output as gapsweep run opens it; models kept, as {@code save-models > 0} keeps them. */
  private static SweepOutput open(SparkSession spark, String output) {
    return SweepOutput.open(OutputFolder.of(spark, output), WriteMode.FAIL_IF_EXISTS, null, true);
  }

  private static TrialResult finished(TrialSpec spec, Random random) {
    List<EpochMetrics> curve = new ArrayList<>(EPOCHS);
    for (int epoch = 1; epoch <= EPOCHS; epoch++) {
      curve.add(new EpochMetrics(epoch, random.nextDouble(), random.nextDouble(),
          random.nextDouble(), random.nextDouble(), random.nextDouble(), random.nextDouble(),
          random.nextDouble()));
    }
    return new TrialResult(spec, TrialStatus.COMPLETED, "patience", "", EPOCHS / 2, EPOCHS, 60.0,
        1, new ExecutorInfo("bench", "localhost", 0, "bench"), curve);
  }

  private static long count(Path folder, boolean bytes) {
    try (Stream<Path> paths = Files.walk(folder)) {
      return paths.filter(Files::isRegularFile)
          .mapToLong(p -> bytes ? p.toFile().length() : 1)
          .sum();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot count the files of " + folder, e);
    }
  }
}
