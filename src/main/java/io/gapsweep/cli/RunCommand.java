package io.gapsweep.cli;

import io.gapsweep.analysis.AnalysisViews;
import io.gapsweep.analysis.Leaderboard;
import io.gapsweep.config.LoadedSettings;
import io.gapsweep.config.SettingsLoader;
import io.gapsweep.config.SweepSettings;
import io.gapsweep.data.Dataset;
import io.gapsweep.data.ImageSet;
import io.gapsweep.data.DatasetSource;
import io.gapsweep.data.LoadedDataset;
import io.gapsweep.dispatch.SparkSessions;
import io.gapsweep.dispatch.SparkSweep;
import io.gapsweep.dispatch.SweepProgress;
import io.gapsweep.plan.GridExpander;
import io.gapsweep.plan.SweepPlan;
import io.gapsweep.report.HtmlReport;
import io.gapsweep.store.ModelStore;
import io.gapsweep.store.ResultStore;
import io.gapsweep.store.WriteMode;
import io.gapsweep.train.NativeBackend;
import io.gapsweep.train.TrialOutput;
import io.gapsweep.train.TrialResult;
import io.gapsweep.train.TrialStatus;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code gapsweep run}: trains every trial of a sweep, stores the results, prints the leaderboard. */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = {
      "Run a sweep: train every trial on Spark, write trials and curves as Parquet under the",
      "output folder, and print the leaderboard."
    })
final class RunCommand implements Callable<Integer> {

  private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);

  @Parameters(index = "0", paramLabel = "CONF", description = "The sweep's HOCON file.")
  Path conf;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "DIR",
      description = "Output folder or Hadoop URI (default: gapsweep.run.output of CONF).")
  String output;

  @Option(
      names = "--overwrite",
      description = "Replace the results of an earlier sweep in the output folder.")
  boolean overwrite;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    LoadedSettings read = SettingsLoader.read(conf);
    LoadedSettings loaded = output == null ? read : read.withOutput(output);
    SweepSettings settings = loaded.settings();
    SweepPlan plan = GridExpander.expand(settings);
    WriteMode mode = overwrite ? WriteMode.OVERWRITE : WriteMode.FAIL_IF_EXISTS;
    PrintWriter out = spec.commandLine().getOut();

    int threads = SparkSessions.threadsPerTrial(settings.run(), plan.trials().size());
    try (SparkSessions.Handle session =
        SparkSessions.forSweep("gapsweep " + settings.name(), settings.run(), threads)) {
      SparkSession spark = session.spark();
      // Refuse an occupied output before hours of training, not after.
      ResultStore.checkWritable(spark, settings.run().output(), mode);
      LoadedDataset loadedData = DatasetSource.load(spark, settings.data());
      Dataset data = loadedData.dataset();
      String summary = DatasetSource.summary(loadedData);
      out.print(summary);
      out.printf(
          "Sweep %s: %d trials, %d thread(s) per trial, backend %s, output %s%n",
          settings.name(), plan.trials().size(), threads, NativeBackend.running(),
          settings.run().output());
      out.flush();
      long start = System.nanoTime();
      List<TrialOutput> outputs;
      try (SweepProgress progress = progress(spark, plan, settings)) {
        outputs =
            SparkSweep.run(
                spark, plan, data, settings.training(), settings.augmentationPresets(),
                threads, progress);
      }
      List<TrialResult> results = outputs.stream().map(TrialOutput::result).toList();
      LOG.info("Trained {} trials in {} s", results.size(),
          String.format("%.1f", (System.nanoTime() - start) / 1e9));
      String configuration = loaded.resolvedHocon();
      ResultStore.write(spark, settings.run().output(), results, configuration, mode);
      ResultStore.writeText(spark, settings.run().output(), ResultStore.DATA_SUMMARY, summary);
      ResultStore.registerViews(spark, settings.run().output());
      ResultStore.writeText(spark, settings.run().output(), ResultStore.CLASSES,
          String.join("\n", data.classes()) + "\n");
      AnalysisViews.register(spark, settings.leaderboard(), data.classCount());
      org.apache.spark.sql.Dataset<Row> leaderboard = spark.table(Leaderboard.VIEW);
      ImageSet images = data.train();
      List<String> saved =
          ModelStore.saveTop(
              spark, settings.run().output(), settings.run().saveModels(), outputs,
              data.classes(), images.channels(), images.height(), images.width());
      out.println();
      out.print(Leaderboard.format(leaderboard, 50));
      long failed = results.stream().filter(r -> r.status() == TrialStatus.FAILED).count();
      long diverged = results.stream().filter(r -> r.status() == TrialStatus.DIVERGED).count();
      out.printf(
          "%n%d trials: %d completed, %d diverged, %d failed. Results in %s%n",
          results.size(), results.size() - failed - diverged, diverged, failed,
          settings.run().output());
      results.stream()
          .filter(r -> r.status() == TrialStatus.FAILED)
          .forEach(r -> out.printf("  FAILED %s: %s%n", r.spec().trialId(), r.error()));
      saved.forEach(folder -> out.printf("Model saved: %s%n", folder));
      out.printf("Report: %s%n",
          HtmlReport.write(spark, settings.run().output(), settings.name(), summary, configuration));
      out.flush();
      return failed > 0 ? ExitCodes.FAILED_TRIALS : ExitCodes.OK;
    }
  }

  /** A bar on an interactive terminal; plain lines, at most one every 10 s, anywhere else. */
  private SweepProgress progress(SparkSession spark, SweepPlan plan, SweepSettings settings) {
    int total = plan.trials().size();
    double tolerance = settings.leaderboard().accuracyTolerance();
    return System.console() != null
        ? SweepProgress.bar(spark, total, tolerance)
        : SweepProgress.lines(spark, total, tolerance, spec.commandLine().getErr(),
            Duration.ofSeconds(10));
  }
}
