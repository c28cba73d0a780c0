package io.gapsweep.bench;

import com.typesafe.config.ConfigFactory;
import io.gapsweep.bench.SelectionSweep.Configuration;
import io.gapsweep.bench.SelectionSweep.Outcome;
import io.gapsweep.bench.SelectionSweep.Pick;
import io.gapsweep.bench.SelectionSweep.Scheme;
import io.gapsweep.config.SettingsLoader;
import io.gapsweep.config.SweepSettings;
import io.gapsweep.data.DatasetSource;
import io.gapsweep.data.LoadedDataset;
import io.gapsweep.dispatch.SparkSessions;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Runs {@link SelectionSweep} under holdout and k-fold and writes the tables of {@code
 * src/site/markdown/selection.md}. A command-line entry point, kept out of {@code gapsweep bench}
 * and out of CI: the grid takes tens of minutes.
 *
 * <pre>
 *   java -cp ... io.gapsweep.bench.SelectionReport DATA OUT.md [k] [seeds] [max-epochs] [k-fold seeds]
 * </pre>
 *
 * DATA is {@code synthetic} (the built-in data with its test split, at 16x16 grey), an image folder
 * with {@code train/}, {@code validation/} and {@code test/} (for example the tree of {@code
 * src/bench/python/digits_tree.py}, 16x16 grey), or a sweep configuration ({@code *.conf}, e.g.
 * {@code conf/demo.conf}): its own grid, training and data, exactly as {@code gapsweep run} would
 * sweep them (seeds and max-epochs then come from the file; the arguments are ignored). A k below
 * 2 runs holdout only.
 */
public final class SelectionReport {

  /** Seed of the folds: fixed, so every configuration is scored on the same held-out examples. */
  static final long FOLD_SEED = 2026;

  private SelectionReport() {}

  /** The grid on {@code data}, with the defaults of reference.conf for the rest. */
  static SweepSettings settings(String data, int seeds, int maxEpochs) {
    String source = data.equals("synthetic")
        // 16x16 grey rather than reference.conf's 32x32x3: a fifth of the cost per epoch, so that
        // k-fold fits on a shared 2-core machine.
        ? "data { source = synthetic, width = 16, height = 16, channels = 1 }"
        : "data { source = directory, width = 16, height = 16, channels = 1,"
            + " directory { path = \"" + data + "\", min-images-per-class = 0 } }";
    String hocon = String.join("\n",
        "gapsweep {",
        "  name = selection",
        "  search-space { depth = [1, 2, 3], dropout = [0, 0.25, 0.5], l2 = [0, 0.001],",
        "    augmentation = [none, light], seeds = " + seeds + " }",
        "  training { max-epochs = " + maxEpochs + " }",
        // The harness cuts its own folds; holdout keeps the trials' seeds those of the runs
        // selection.md reports.
        "  validation.scheme = holdout",
        "  " + source,
        "  run { local-master = \"local[2]\" }",
        "}");
    return SettingsLoader.fromConfig(ConfigFactory.parseString(hocon));
  }

  /** Whether DATA names a sweep configuration rather than data. */
  static boolean isConf(String data) {
    return data.endsWith(".conf");
  }

  public static void main(String[] args) throws IOException {
    if (args.length < 2) {
      System.err.println("usage: SelectionReport DATA OUT.md [k] [seeds] [max-epochs] [k-fold seeds]");
      System.exit(2);
    }
    String data = args[0];
    Path out = Path.of(args[1]);
    int k = args.length > 2 ? Integer.parseInt(args[2]) : 3;
    int seeds = args.length > 3 ? Integer.parseInt(args[3]) : 2;
    int maxEpochs = args.length > 4 ? Integer.parseInt(args[4]) : 30;
    int foldSeeds = args.length > 5 ? Integer.parseInt(args[5]) : seeds;
    SweepSettings settings;
    if (isConf(data)) {
      settings = SettingsLoader.load(Path.of(data));
      seeds = settings.searchSpace().seeds();
      foldSeeds = seeds;
    } else {
      settings = settings(data, seeds, maxEpochs);
    }
    LoadedDataset loaded;
    try (SparkSessions.Handle session = SparkSessions.forQueries("gapsweep selection")) {
      loaded = DatasetSource.load(session.spark(), settings.data());
    }
    PrintWriter progress = new PrintWriter(System.err, true);
    List<Outcome> outcomes = new ArrayList<>();
    long start = System.nanoTime();
    outcomes.add(SelectionSweep.run(settings, loaded, Scheme.HOLDOUT, k, FOLD_SEED, seeds, 2, progress));
    String partial = markdown(data, settings, loaded, outcomes, String.join(" ", args),
        (System.nanoTime() - start) / 1e9);
    Files.writeString(out, partial);
    if (k < 2) {
      progress.println("selection: wrote " + out);
      System.exit(0);
    }
    outcomes.add(SelectionSweep.run(settings, loaded, Scheme.KFOLD, k, FOLD_SEED, foldSeeds, 2, progress));
    Files.writeString(out, markdown(data, settings, loaded, outcomes, String.join(" ", args),
        (System.nanoTime() - start) / 1e9));
    progress.println("selection: wrote " + out);
    System.exit(0);
  }

  static String markdown(String data, SweepSettings settings, LoadedDataset loaded,
      List<Outcome> outcomes, String arguments, double seconds) {
    StringBuilder md = new StringBuilder();
    md.append(String.format(Locale.ROOT, "### Data: %s (%d classes; %d train, %d validation,"
        + " %d test images)%n%n", data, loaded.dataset().classCount(),
        loaded.dataset().train().count(), loaded.dataset().validation().count(),
        loaded.test().count()));
    md.append(String.format(Locale.ROOT, "Arguments: `%s`. Grid %s × %d seeds; training %s."
        + " Fold seed %d. Wall time %.0f s on a shared 2-core machine, 2 trials at a time × 1"
        + " thread.%n%n", arguments, settings.searchSpace(), settings.searchSpace().seeds(),
        settings.training(), FOLD_SEED, seconds));
    for (Outcome o : outcomes) {
      md.append(section(o, settings));
    }
    return md.toString();
  }

  static String section(Outcome o, SweepSettings settings) {
    StringBuilder md = new StringBuilder();
    String scheme = o.scheme() == Scheme.HOLDOUT ? "holdout (the given validation split)"
        : "stratified " + o.k() + "-fold on train + validation pooled";
    List<Configuration> cs = o.configurations();
    double[] gaps = cs.stream().mapToDouble(Configuration::gap).toArray();
    double[] tests = cs.stream().mapToDouble(Configuration::testAcc).toArray();
    double[] losses = cs.stream().mapToDouble(Configuration::meanLoss).toArray();
    md.append(String.format(Locale.ROOT, "#### %s%n%n%d trials (%d not completed), %d"
        + " configurations, n = %d held-out examples per configuration, %d test images. Best mean"
        + " test accuracy %.2f%%; median gap %.4f. Spearman over configurations: gap vs test"
        + " accuracy %+.2f, validation loss vs test accuracy %+.2f.%n%n",
        scheme, o.trials(), o.failed(), cs.size(), o.examples(), o.testImages(),
        100 * o.bestTestAcc(), o.medianGap(), SelectionRules.spearman(gaps, tests),
        SelectionRules.spearman(losses, tests)));
    md.append("| rule | rank 1 | band | regret (points) | test rank | gap | gap < median |\n");
    md.append("|---|---|---:|---:|---:|---:|:---:|\n");
    List<Pick> picks = new ArrayList<>();
    picks.add(SelectionRules.scores(cs).pick(SelectionRules.defaultRule(settings)));
    picks.addAll(o.picks());
    for (Pick p : picks) {
      md.append(String.format(Locale.ROOT, "| %s | %s | %d | %.2f | %d/%d | %.4f | %s |%n",
          p.rule(), p.label(), p.bandSize(), p.regret(), p.testRank(), cs.size(), p.gap(),
          p.gapBelowMedian() ? "yes" : "no"));
    }
    md.append("\n<details><summary>Every configuration, by mean test accuracy</summary>\n\n");
    md.append("| configuration | val loss | val acc | gap | test acc |\n|---|---:|---:|---:|---:|\n");
    cs.stream().sorted(Comparator.comparingDouble(Configuration::testAcc).reversed())
        .forEach(c -> md.append(String.format(Locale.ROOT, "| %s | %.4f | %.4f | %.4f | %.4f |%n",
            c.label(), c.meanLoss(), c.valAcc(), c.gap(), c.testAcc())));
    md.append("\n</details>\n\n");
    return md.toString();
  }
}
