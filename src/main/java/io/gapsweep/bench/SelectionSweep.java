package io.gapsweep.bench;

import io.gapsweep.config.AugmentationPreset;
import io.gapsweep.config.Axes;
import io.gapsweep.config.SweepSettings;
import io.gapsweep.data.Dataset;
import io.gapsweep.data.Folds;
import io.gapsweep.data.ImageSet;
import io.gapsweep.data.LoadedDataset;
import io.gapsweep.plan.GridExpander;
import io.gapsweep.plan.TrialSpec;
import io.gapsweep.train.EpochMetrics;
import io.gapsweep.train.ExecutorInfo;
import io.gapsweep.train.NativeBackend;
import io.gapsweep.train.TrialResult;
import io.gapsweep.train.TrialRunner;
import io.gapsweep.train.TrialStatus;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The measurement behind the leaderboard's selection rule (issue #15, items 3 and 6): sweeps a
 * grid under one validation scheme, then evaluates every trial's kept model on the test split, post
 * hoc, so that each selection rule's pick can be scored by what it is worth on images nobody tuned
 * on. The test images never influence training, early stopping or the rules; they only score the
 * outcome.
 *
 * <p>Trials run on a plain pool of {@code parallel} threads, each training with 1 ND4J thread
 * (what Spark's dispatch does on {@code local[parallel]}), calling {@link TrialRunner} directly:
 * the harness needs the kept network of every trial, and the sweep would only hand back its zip.
 */
public final class SelectionSweep {

  /** How trials are validated. */
  public enum Scheme {
    /** The given train/validation split: one trial per (configuration, seed). */
    HOLDOUT,
    /** Stratified k-fold on the pooled train + validation images: one trial per fold as well. */
    KFOLD
  }

  /**
   * One trial's evidence.
   *
   * @param configId configuration id
   * @param label the configuration's parameters, human-readable
   * @param seedIndex repeat index
   * @param fold held-out fold, 0 for holdout
   * @param status how the trial ended
   * @param valLoss clean validation loss at the kept epoch
   * @param valAcc clean validation accuracy at the kept epoch
   * @param gap validation loss minus clean training loss at the kept epoch
   * @param exampleIds ids of the held-out examples (pool indices with k-fold, validation indices
   *     with holdout)
   * @param losses per-example clean loss of those examples at the kept epoch
   * @param testAcc accuracy of the kept model on the test split
   */
  public record TrialEvidence(
      String configId, String label, int seedIndex, int fold, TrialStatus status, double valLoss,
      double valAcc, double gap, int[] exampleIds, double[] losses, double testAcc) {}

  /**
   * One configuration, over its seeds (and folds).
   *
   * @param key configuration id
   * @param label its parameters
   * @param losses per-example loss over the whole held-out pool, averaged over seeds (each
   *     example's loss from the fold that held it out)
   * @param meanLoss mean of {@code losses}
   * @param valAcc mean validation accuracy of its trials
   * @param gap mean generalization gap of its trials
   * @param testAcc mean test accuracy of its trials' kept models
   */
  public record Configuration(
      String key, String label, double[] losses, double meanLoss, double valAcc, double gap,
      double testAcc) {}

  /**
   * What one rule recommends.
   *
   * @param rule the rule's name
   * @param key rank-1 configuration id
   * @param label its parameters
   * @param bandSize configurations the rule found competitive
   * @param regret best mean test accuracy in the grid minus rank-1's, in accuracy points (0..100)
   * @param testRank rank-1's rank by mean test accuracy, 1 = best (ties share the better rank)
   * @param gap rank-1's mean gap
   * @param gapBelowMedian whether rank-1's mean gap is below the grid's median gap
   */
  public record Pick(
      String rule, String key, String label, int bandSize, double regret, int testRank,
      double gap, boolean gapBelowMedian) {}

  /**
   * A scheme's whole outcome.
   *
   * @param scheme the validation scheme
   * @param k folds (1 for holdout)
   * @param trials trials run
   * @param failed trials that did not complete (left out of their configuration's means)
   * @param examples held-out examples per configuration
   * @param testImages test images
   * @param configurations every configuration that completed at least one trial
   * @param bestTestAcc best mean test accuracy in the grid
   * @param medianGap the grid's median of mean gaps
   * @param picks one per rule, in {@link SelectionRules#ALL} order
   */
  public record Outcome(
      Scheme scheme, int k, int trials, int failed, int examples, int testImages,
      List<Configuration> configurations, double bestTestAcc, double medianGap, List<Pick> picks) {}

  private SelectionSweep() {}

  /**
   * Runs the grid of {@code settings} on {@code data} under {@code scheme}.
   *
   * @param k folds for {@link Scheme#KFOLD}, ignored for holdout
   * @param foldSeed seed of the folds (the same for every configuration, so differences pair)
   * @param seeds seeds of each configuration to run, the first of the grid's (fewer than the
   *     grid's to afford k-fold's k-fold cost on a small machine)
   * @param parallel trials at a time, each with 1 thread
   * @throws IllegalArgumentException when the data has no test split
   */
  public static Outcome run(
      SweepSettings settings, LoadedDataset data, Scheme scheme, int k, long foldSeed,
      int seeds, int parallel, PrintWriter progress) {
    if (!data.hasTest()) {
      throw new IllegalArgumentException(
          "Cannot measure selection rules: " + data.source() + " has no test split");
    }
    List<TrialSpec> specs =
        trials(settings).stream().filter(t -> t.seedIndex() < seeds).toList();
    List<Task> tasks = new ArrayList<>();
    int examples;
    if (scheme == Scheme.HOLDOUT) {
      Dataset d = data.dataset();
      int[] ids = identity(d.validation().count());
      for (TrialSpec spec : specs) {
        tasks.add(new Task(spec, 0, d, ids));
      }
      examples = d.validation().count();
    } else {
      Dataset d = data.dataset();
      ImageSet pool = d.train().concat(d.validation());
      Folds folds = Folds.stratified(pool.labels(), k, 1, foldSeed);
      for (int fold = 0; fold < k; fold++) {
        Folds.Split split = folds.split(pool, 0, fold);
        Dataset foldData = new Dataset(d.classes(), split.train(), split.heldOut());
        for (TrialSpec spec : specs) {
          tasks.add(new Task(spec, fold, foldData, split.heldOutIds()));
        }
      }
      examples = pool.count();
    }
    List<TrialEvidence> evidence = runAll(settings, tasks, data.test(), parallel, progress);
    return summarize(scheme, scheme == Scheme.HOLDOUT ? 1 : k, evidence, examples,
        data.test().count());
  }

  // ---- trial construction: the only part that knows what a TrialSpec holds ----

  /**
   * The grid's trials, as the sweep would plan them, one per configuration and seed: the harness
   * cuts its own folds, so under k-fold only the plan's first fold's trials are taken.
   */
  static List<TrialSpec> trials(SweepSettings settings) {
    return GridExpander.expand(settings).trials().stream().filter(t -> t.fold() == 0).toList();
  }

  /** A configuration's parameters, for the tables. */
  static String label(TrialSpec spec) {
    return "depth " + spec.value(Axes.DEPTH) + ", dropout " + spec.value(Axes.DROPOUT) + ", l2 "
        + spec.value(Axes.L2) + ", " + spec.value(Axes.AUGMENTATION);
  }

  // ---- running ----

  private record Task(TrialSpec spec, int fold, Dataset data, int[] exampleIds) {}

  private static List<TrialEvidence> runAll(
      SweepSettings settings, List<Task> tasks, ImageSet test, int parallel,
      PrintWriter progress) {
    ExecutorInfo executor = new ExecutorInfo("driver", ExecutorInfo.localHostName(),
        ProcessHandle.current().pid(), NativeBackend.running());
    ExecutorService pool = Executors.newFixedThreadPool(parallel);
    try {
      List<Future<TrialEvidence>> futures = new ArrayList<>();
      int[] done = {0};
      for (Task task : tasks) {
        futures.add(pool.submit(() -> {
          TrialEvidence e = runOne(settings, task, test, executor);
          synchronized (done) {
            done[0]++;
            progress.printf("selection: %d/%d %s seed %d fold %d: val loss %.4f, gap %.4f,"
                + " test acc %.4f%n", done[0], tasks.size(), e.label(), e.seedIndex(), e.fold(),
                e.valLoss(), e.gap(), e.testAcc());
            progress.flush();
          }
          return e;
        }));
      }
      List<TrialEvidence> out = new ArrayList<>();
      for (Future<TrialEvidence> f : futures) {
        out.add(f.get());
      }
      return out;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Cannot finish the selection sweep: interrupted", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException(
          "Cannot finish the selection sweep: a trial threw " + e.getCause(), e.getCause());
    } finally {
      pool.shutdownNow();
    }
  }

  private static TrialEvidence runOne(
      SweepSettings settings, Task task, ImageSet test, ExecutorInfo executor) {
    TrialSpec spec = task.spec();
    AugmentationPreset preset = settings.augmentationPresets().get(spec.value(Axes.AUGMENTATION));
    TrialRunner.Outcome outcome =
        TrialRunner.train(spec, settings.training(), preset, task.data(), 1, executor);
    TrialResult r = outcome.result();
    if (r.status() != TrialStatus.COMPLETED || r.predictions() == null
        || outcome.bestModel() == null) {
      return new TrialEvidence(spec.configId(), label(spec), spec.seedIndex(), task.fold(),
          r.status(), Double.NaN, Double.NaN, Double.NaN, task.exampleIds(), null, Double.NaN);
    }
    EpochMetrics kept = r.curve().get(r.bestEpoch() - 1);
    double testAcc = accuracy(outcome.bestModel(), test);
    return new TrialEvidence(spec.configId(), label(spec), spec.seedIndex(), task.fold(),
        r.status(), kept.valLoss(), kept.valAcc(), kept.valLoss() - kept.trainLoss(),
        task.exampleIds(), r.predictions().losses(), testAcc);
  }

  /** Inference-mode accuracy on {@code images}, scaled as training scales them (0..1). */
  static double accuracy(MultiLayerNetwork network, ImageSet images) {
    int correct = 0;
    int[] order = java.util.stream.IntStream.range(0, images.count()).toArray();
    for (int from = 0; from < images.count(); from += 256) {
      int to = Math.min(images.count(), from + 256);
      INDArray features = Nd4j.create(images.scaled(order, from, to),
          new long[] {to - from, images.channels(), images.height(), images.width()},
          DataType.FLOAT);
      INDArray predicted = network.output(features, false).argMax(1);
      for (int i = from; i < to; i++) {
        if (predicted.getInt(i - from) == images.labels()[i]) {
          correct++;
        }
      }
    }
    return (double) correct / images.count();
  }

  // ---- summarizing ----

  static Outcome summarize(
      Scheme scheme, int k, List<TrialEvidence> evidence, int examples, int testImages) {
    Map<String, List<TrialEvidence>> byConfig = new LinkedHashMap<>();
    int failed = 0;
    for (TrialEvidence e : evidence) {
      byConfig.computeIfAbsent(e.configId(), x -> new ArrayList<>()).add(e);
      if (e.status() != TrialStatus.COMPLETED) {
        failed++;
      }
    }
    List<Configuration> configurations = new ArrayList<>();
    for (Map.Entry<String, List<TrialEvidence>> entry : byConfig.entrySet()) {
      List<TrialEvidence> ok =
          entry.getValue().stream().filter(e -> e.status() == TrialStatus.COMPLETED).toList();
      // A configuration with a failed trial lacks some examples' losses: left out, not guessed.
      if (ok.size() != entry.getValue().size()) {
        continue;
      }
      double[] sum = new double[examples];
      int[] count = new int[examples];
      for (TrialEvidence e : ok) {
        for (int i = 0; i < e.exampleIds().length; i++) {
          sum[e.exampleIds()[i]] += e.losses()[i];
          count[e.exampleIds()[i]]++;
        }
      }
      double[] losses = new double[examples];
      for (int i = 0; i < examples; i++) {
        losses[i] = sum[i] / count[i];
      }
      configurations.add(new Configuration(entry.getKey(), ok.get(0).label(), losses,
          Arrays.stream(losses).average().orElseThrow(),
          ok.stream().mapToDouble(TrialEvidence::valAcc).average().orElseThrow(),
          ok.stream().mapToDouble(TrialEvidence::gap).average().orElseThrow(),
          ok.stream().mapToDouble(TrialEvidence::testAcc).average().orElseThrow()));
    }
    SelectionRules.Scores scores = SelectionRules.scores(configurations);
    List<Pick> picks = new ArrayList<>();
    for (SelectionRules.Named rule : SelectionRules.ALL) {
      picks.add(scores.pick(rule));
    }
    return new Outcome(scheme, k, evidence.size(), failed, examples, testImages,
        List.copyOf(configurations), scores.bestTestAcc(), scores.medianGap(), List.copyOf(picks));
  }

  private static int[] identity(int n) {
    int[] ids = new int[n];
    for (int i = 0; i < n; i++) {
      ids[i] = i;
    }
    return ids;
  }
}
