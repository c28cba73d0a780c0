package io.gapsweep.sweep;

import io.gapsweep.Faults;
import io.gapsweep.analysis.AnalysisViews;
import io.gapsweep.analysis.Leaderboard;
import io.gapsweep.analysis.Winners;
import io.gapsweep.config.Axes;
import io.gapsweep.config.LoadedSettings;
import io.gapsweep.config.SettingsLoader;
import io.gapsweep.config.SweepSettings;
import io.gapsweep.data.Dataset;
import io.gapsweep.data.DatasetSource;
import io.gapsweep.data.ImageSet;
import io.gapsweep.data.LoadedDataset;
import io.gapsweep.dispatch.AsyncHalvingSweep;
import io.gapsweep.dispatch.HalvingSweep;
import io.gapsweep.dispatch.SparkSessions;
import io.gapsweep.dispatch.SparkSweep;
import io.gapsweep.dispatch.SweepProgress;
import io.gapsweep.plan.GridExpander;
import io.gapsweep.plan.SweepPlan;
import io.gapsweep.plan.TrialSpec;
import io.gapsweep.report.ExampleImages;
import io.gapsweep.report.HtmlReport;
import io.gapsweep.store.ModelStore;
import io.gapsweep.store.OutputFolder;
import io.gapsweep.store.SweepOutput;
import io.gapsweep.store.WriteMode;
import io.gapsweep.train.NativeBackend;
import io.gapsweep.train.ThreadPolicy;
import io.gapsweep.train.TrialOutput;
import io.gapsweep.train.TrialResult;
import io.gapsweep.verdict.Audit;
import io.gapsweep.verdict.HeldOutTest;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A sweep from its configuration file to its report: load → plan → lock and resume check →
 * Spark → data → dispatch (each trial committed as it ends) → compact → views and ranking →
 * saved models → report. {@code gapsweep run} and {@code gapsweep bench} both run it (or its
 * {@link #dispatch} and {@link Resume#decide} pieces), so what the bench measures is what users run.
 *
 * <p>Everything that can refuse the run (settings, output folder, lock, another sweep in the
 * output) comes before Spark starts and before the first write to the output.
 */
public final class SweepRun {

  private static final Logger LOG = LoggerFactory.getLogger(SweepRun.class);

  /** Rows of the leaderboard the outcome carries as text. */
  private static final int LEADERBOARD_ROWS = 50;

  private SweepRun() {}

  /** Runs the sweep {@code request} names and tells {@code listener} how it goes. */
  public static SweepOutcome run(SweepRequest request, SweepListener listener) {
    PhaseTimes.Clock clock = new PhaseTimes.Clock();
    LoadedSettings read = SettingsLoader.read(request.configuration());
    LoadedSettings loaded = request.output() == null ? read : read.withOutput(request.output());
    SweepSettings settings = request.audit()
        ? loaded.settings().withRefit(loaded.settings().refit().withAudit())
        : loaded.settings();
    SweepPlan plan = GridExpander.expand(settings);
    String target = settings.run().output();
    WriteMode mode = request.overwrite() ? WriteMode.OVERWRITE : WriteMode.FAIL_IF_EXISTS;
    int threads = SparkSessions.threadsPerTrial(settings.run(), plan.trials().size());
    // OpenMP and OpenBLAS read it when ND4J loads them; setting it here spares a launcher JVM.
    ThreadPolicy.exportBeforeLoad(threads);

    try (SweepOutput output = SweepOutput.open(OutputFolder.beforeSpark(target), mode,
        request.configuration(), settings.run().saveModels() > 0)) {
      Optional<Resume> resume =
          Resume.decide(output, loaded, plan, request.overwrite(), request.retryFailed());
      // Empty when the data cannot be told unchanged: then the answer is computed, not replayed.
      Optional<String> fingerprint = DatasetSource.fingerprint(settings.data());
      Optional<FinishedSweep> finished = resume.filter(r -> r.todo().isEmpty())
          .flatMap(r -> fingerprint.flatMap(d -> FinishedSweep.replayable(output.folder(),
              FinishedSweep.key(loaded.resolvedHocon(), settings.refit().audit(), d,
                  plan.trials(), r.committed()))));
      clock.lap(Phase.SETTINGS_AND_PLAN);
      if (finished.isPresent()) {
        return replay(finished.get(), settings, plan, resume.get(), output, clock, listener);
      }
      try (SparkSessions.Handle session =
          SparkSessions.forSweep("gapsweep " + settings.name(), settings.run(), threads)) {
        SparkSession spark = session.spark();
        clock.lap(Phase.SPARK_START);
        LoadedDataset loadedData = DatasetSource.load(spark, settings.data());
        Dataset data = loadedData.dataset();
        String summary = DatasetSource.summary(loadedData);
        clock.lap(Phase.DATA);
        String backend = NativeBackend.running();
        clock.lap(Phase.ND4J_LOAD);

        output.start(loaded.resolvedHocon(), mode);
        FinishedSweep.forget(output.folder());
        List<TrialSpec> todo = resume.map(Resume::todo).orElse(plan.trials());
        listener.started(new SweepStart(settings.name(), summary, plan.trials().size(), threads,
            backend, target, resume));
        long start = System.nanoTime();
        try (SweepProgress progress =
            listener.progress(spark, todo.size())) {
          Consumer<TrialOutput> onFinished = trial -> {
            // Committed before it is shown as done: what the user saw finish is on disk.
            output.commit(trial);
            progress.accept(trial);
          };
          if (settings.searchSpace().search().scheduler().asynchronous()) {
            // Its own loop (one-task Spark jobs, slots at a time); it replays the journal's steps.
            AsyncHalvingSweep.run(spark, settings, plan, data, threads,
                resume.map(Resume::kept).orElse(Map.of()), output.rungs(), onFinished);
          } else if (settings.searchSpace().search().scheduler().successiveHalving()) {
            // Its own loop (one Spark job per rung); it resumes from the journal's rungs.
            HalvingSweep.run(spark, settings, plan, data, threads,
                resume.map(Resume::kept).orElse(Map.of()), output.rungs(), onFinished);
          } else {
            dispatch(spark, settings, plan, todo, data, threads, onFinished);
          }
        }
        listener.trained();
        LOG.info("Trained {} trials in {} s", todo.size(),
            String.format("%.1f", (System.nanoTime() - start) / 1e9));
        clock.lap(Phase.TRAINING);
        Faults.driverReached("trained");
        List<TrialResult> results =
            output.compact(spark, plan.trials().stream().map(TrialSpec::trialId).toList());
        Faults.driverReached("compacted");
        clock.lap(Phase.COMPACTION);

        OutputFolder folder = output.folder();
        folder.writeText(OutputFolder.DATA_SUMMARY, summary);
        // The rows just compacted, not the tables read back: no Spark job per table.
        folder.registerViews(spark, results);
        folder.writeText(OutputFolder.CLASSES, String.join("\n", data.classes()) + "\n");
        AnalysisViews.register(spark, settings.leaderboard(), data.classCount());
        AnalysisViews.save(spark, folder, settings.leaderboard(), data.classCount());
        String leaderboard = Leaderboard.format(spark.table(Leaderboard.VIEW), LEADERBOARD_ROWS);
        clock.lap(Phase.VIEWS);
        // After the ranking is final: the test split is used here and nowhere before.
        HeldOutTest.Outcome test =
            HeldOutTest.run(spark, settings, plan, loadedData, threads, output.folder());
        clock.lap(Phase.TEST);
        Audit.Result audit = settings.refit().audit()
            ? Audit.run(spark, settings, plan, loadedData, threads, output.folder()) : null;
        clock.lap(Phase.AUDIT);

        Map<String, TrialResult> byId = new HashMap<>();
        results.forEach(r -> byId.put(r.spec().trialId(), r));
        List<String> saved = saveModels(spark, output, settings, data, byId);
        clock.lap(Phase.MODELS);
        ExampleImages examples = ExampleImages.of(data.train(), data.classes(),
            plan.trials().stream().map(spec -> spec.value(Axes.AUGMENTATION)).distinct()
                .map(settings.augmentationPresets()::get).toList());
        String report = HtmlReport.write(
            spark, target, settings.name(), summary, loaded.resolvedHocon(), examples);
        clock.lap(Phase.REPORT);
        SweepOutcome outcome = new SweepOutcome(
            settings.name(), target, results, leaderboard, saved, report, clock.times(), test,
            audit);
        if (fingerprint.isPresent()) {
          FinishedSweep.of(FinishedSweep.key(loaded.resolvedHocon(), settings.refit().audit(),
              fingerprint.get(), plan.trials(), byId), outcome, folder).save(folder);
        }
        return outcome;
      }
    }
  }

  /** The outcome {@code finished} saved, with the journal's trials: nothing is computed. */
  private static SweepOutcome replay(FinishedSweep finished, SweepSettings settings,
      SweepPlan plan, Resume resume, SweepOutput output, PhaseTimes.Clock clock,
      SweepListener listener) {
    String target = settings.run().output();
    listener.replaying(settings.name(),
        output.folder().readText(OutputFolder.DATA_SUMMARY).orElse(""), plan.trials().size(),
        target, resume);
    List<TrialResult> results = plan.trials().stream()
        .map(trial -> resume.committed().get(trial.trialId())).toList();
    return new SweepOutcome(settings.name(), target, results, finished.leaderboard(),
        finished.savedModels(), finished.report(), clock.times(), null, null,
        finished.verdicts());
  }

  /**
   * Trains {@code todo}, trials of {@code plan}, on Spark. Threads follow the whole grid, not
   * what is left of it: a resumed trial must compute what it would have computed in the first run.
   *
   * @param onFinished called on the driver once per trial as it ends; see {@link SparkSweep#run}
   */
  public static void dispatch(
      SparkSession spark, SweepSettings settings, SweepPlan plan, List<TrialSpec> todo,
      Dataset data, int threadsPerTrial, Consumer<TrialOutput> onFinished) {
    SparkSweep.run(
        spark, plan.withTrials(todo), data, settings.training(),
        settings.augmentationPresets(), threadsPerTrial, onFinished);
  }

  private static List<String> saveModels(
      SparkSession spark, SweepOutput output, SweepSettings settings, Dataset data,
      Map<String, TrialResult> byId) {
    List<ModelStore.Pick> picks = Winners.top(spark, settings.run().saveModels()).stream()
        .map(w -> new ModelStore.Pick(w.rank(), w.configId(), w.trialId()))
        .toList();
    ImageSet images = data.train();
    return ModelStore.save(output.folder(), picks, byId, output::model, data.classes(),
        images.channels(), images.height(), images.width());
  }
}
