package io.gapsweep.cli;

import io.gapsweep.Faults;
import io.gapsweep.UserError;
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
import io.gapsweep.plan.SweepIdentity;
import io.gapsweep.plan.SweepPlan;
import io.gapsweep.plan.TrialSpec;
import io.gapsweep.report.HtmlReport;
import io.gapsweep.store.ModelStore;
import io.gapsweep.store.ResultStore;
import io.gapsweep.store.SweepOutput;
import io.gapsweep.store.WriteMode;
import io.gapsweep.train.NativeBackend;
import io.gapsweep.train.TrialResult;
import io.gapsweep.train.TrialStatus;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
    description =
        "Run a sweep: train every trial on Spark, write trials and curves as Parquet under the"
            + " output folder, and print the leaderboard.")
final class RunCommand implements Callable<Integer> {

  private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);

  @Parameters(index = "0", paramLabel = "CONF", description = "The sweep's HOCON file.")
  Path conf;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "DIR",
      description = "Output folder or Hadoop URI; default: the value of gapsweep.run.output in CONF.")
  String output;

  @Option(
      names = "--overwrite",
      description =
          "Delete the results in the output folder and start the sweep again. Without it, an"
              + " output that holds this sweep is resumed and one that holds another sweep is"
              + " refused.")
  boolean overwrite;

  @Option(
      names = "--retry-failed",
      description = "When resuming, run the trials that FAILED again (completed and diverged"
          + " trials are kept).")
  boolean retryFailed;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    LoadedSettings read = SettingsLoader.read(conf);
    LoadedSettings loaded = output == null ? read : read.withOutput(output);
    SweepSettings settings = loaded.settings();
    SweepPlan plan = GridExpander.expand(settings);
    String target = settings.run().output();
    PrintWriter out = spec.commandLine().getOut();

    int threads = SparkSessions.threadsPerTrial(settings.run(), plan.trials().size());
    try (SparkSessions.Handle session =
            SparkSessions.forSweep("gapsweep " + settings.name(), settings.run(), threads);
        SweepOutput sweepOutput =
            SweepOutput.open(session.spark(), target, settings.run().saveModels() > 0)) {
      SparkSession spark = session.spark();
      // Everything that can refuse the run comes before the first write to the output.
      boolean resuming = !overwrite && resumes(sweepOutput, loaded, plan, target);
      LoadedDataset loadedData = DatasetSource.load(spark, settings.data());
      Dataset data = loadedData.dataset();
      String summary = DatasetSource.summary(loadedData);
      sweepOutput.start(loaded.resolvedHocon(), overwrite ? WriteMode.OVERWRITE : WriteMode.FAIL_IF_EXISTS);

      Map<String, TrialResult> committed = resuming ? sweepOutput.committed() : Map.of();
      List<TrialSpec> todo = plan.trials().stream()
          .filter(trial -> needsRun(committed.get(trial.trialId())))
          .toList();
      out.print(summary);
      out.printf(
          "Sweep %s: %d trials, %d thread(s) per trial, backend %s, output %s%n",
          settings.name(), plan.trials().size(), threads, NativeBackend.running(), target);
      if (resuming) {
        printResume(out, target, plan.trials().size(), committed, todo.size());
      }
      out.flush();
      long start = System.nanoTime();
      try (SweepProgress progress = progress(spark, todo.size(), settings)) {
        // Threads follow the whole grid, not what is left of it: a resumed trial must compute
        // what it would have computed in the first run.
        SparkSweep.run(
            spark, new SweepPlan(plan.fingerprint(), todo), data, settings.training(),
            settings.augmentationPresets(), threads,
            trial -> {
              // Committed before it is shown as done: what the user saw finish is on disk.
              sweepOutput.commit(trial);
              progress.accept(trial);
            });
      }
      LOG.info("Trained {} trials in {} s", todo.size(),
          String.format("%.1f", (System.nanoTime() - start) / 1e9));
      Faults.driverReached("trained");
      List<TrialResult> results =
          sweepOutput.compact(plan.trials().stream().map(TrialSpec::trialId).toList());
      Faults.driverReached("compacted");
      String configuration = loaded.resolvedHocon();
      ResultStore.writeText(spark, target, ResultStore.DATA_SUMMARY, summary);
      ResultStore.registerViews(spark, target);
      ResultStore.writeText(spark, target, ResultStore.CLASSES,
          String.join("\n", data.classes()) + "\n");
      AnalysisViews.register(spark, settings.leaderboard(), data.classCount());
      org.apache.spark.sql.Dataset<Row> leaderboard = spark.table(Leaderboard.VIEW);
      ImageSet images = data.train();
      Map<String, TrialResult> byId = new HashMap<>();
      results.forEach(r -> byId.put(r.spec().trialId(), r));
      List<String> saved =
          ModelStore.saveTop(
              spark, target, settings.run().saveModels(), byId, sweepOutput::model,
              data.classes(), images.channels(), images.height(), images.width());
      out.println();
      out.print(Leaderboard.format(leaderboard, 50));
      long failed = results.stream().filter(r -> r.status() == TrialStatus.FAILED).count();
      long diverged = results.stream().filter(r -> r.status() == TrialStatus.DIVERGED).count();
      out.printf(
          "%n%d trials: %d completed, %d diverged, %d failed. Results in %s%n",
          results.size(), results.size() - failed - diverged, diverged, failed, target);
      results.stream()
          .filter(r -> r.status() == TrialStatus.FAILED)
          .forEach(r -> out.printf("  FAILED %s: %s%n", r.spec().trialId(), r.error()));
      saved.forEach(folder -> out.printf("Model saved: %s%n", folder));
      out.printf("Report: %s%n",
          HtmlReport.write(spark, target, settings.name(), summary, configuration));
      out.flush();
      return failed > 0 ? ExitCodes.FAILED_TRIALS : ExitCodes.OK;
    }
  }

  /**
   * Whether the output holds this very sweep, whose committed trials are then kept; refuses an
   * output that holds anything else.
   */
  private static boolean resumes(
      SweepOutput sweepOutput, LoadedSettings loaded, SweepPlan plan, String target) {
    Optional<String> saved = sweepOutput.savedConfiguration();
    if (saved.isEmpty()) {
      if (sweepOutput.isOccupied()) {
        throw new UserError("Cannot run in " + target + ": it holds results but no "
            + ResultStore.SWEEP_CONF + " to resume them from; choose another --output, or pass"
            + " --overwrite to delete them and start again");
      }
      return false;
    }
    List<String> differences = SweepIdentity.differences(saved.get(), loaded.resolvedHocon(), plan);
    if (!differences.isEmpty()) {
      throw new UserError("Cannot run in " + target + ": it holds another sweep; choose another"
          + " --output, or pass --overwrite to delete its results and start again. What differs:\n"
          + String.join("\n", differences));
    }
    return true;
  }

  private boolean needsRun(TrialResult committed) {
    return committed == null || (retryFailed && committed.status() == TrialStatus.FAILED);
  }

  private void printResume(
      PrintWriter out, String target, int total, Map<String, TrialResult> committed, int todo) {
    out.printf("Resuming the sweep in %s: %d of %d trials are already done; %d to run%n",
        target, total - todo, total, todo);
    long failed = committed.values().stream()
        .filter(r -> r.status() == TrialStatus.FAILED)
        .count();
    if (failed > 0 && !retryFailed) {
      out.printf("  %d FAILED trial(s) kept as they are; pass --retry-failed to run them again%n",
          failed);
    }
  }

  /** A bar on an interactive terminal; plain lines, at most one every 10 s, anywhere else. */
  private SweepProgress progress(SparkSession spark, int total, SweepSettings settings) {
    double tolerance = settings.leaderboard().accuracyTolerance();
    return System.console() != null
        ? SweepProgress.bar(spark, total, tolerance)
        : SweepProgress.lines(spark, total, tolerance, spec.commandLine().getErr(),
            Duration.ofSeconds(10));
  }
}
