package io.gapsweep.sweep;

import com.typesafe.config.ConfigFactory;
import io.gapsweep.UserError;
import io.gapsweep.analysis.SavedSweep;
import io.gapsweep.config.SettingsLoader;
import io.gapsweep.config.SweepSettings;
import io.gapsweep.data.DatasetSource;
import io.gapsweep.data.LoadedDataset;
import io.gapsweep.dispatch.SparkSessions;
import io.gapsweep.plan.GridExpander;
import io.gapsweep.plan.SweepPlan;
import io.gapsweep.report.HtmlReport;
import io.gapsweep.store.OutputFolder;
import io.gapsweep.store.OutputLock;
import io.gapsweep.store.ResultSchema;
import io.gapsweep.verdict.Audit;
import io.gapsweep.verdict.HeldOutTest;
import java.util.Optional;
import org.apache.spark.sql.SparkSession;

/**
 * {@code gapsweep audit DIR}: the selection audit of a finished sweep, rebuilt from what its output
 * stores. The settings come from its {@code sweep.conf}, the data is loaded again and must match
 * the stored data summary (an audit of other images would say nothing about this sweep), the
 * output lock is held while it writes, and the report is written again with the audit in it.
 */
public final class AuditRun {

  /**
   * What the audit did.
   *
   * @param test the held-out test, when the output lacked one and it was measured now; else null
   * @param audit the audit
   * @param report the path of the rewritten report
   */
  public record Outcome(HeldOutTest.Outcome test, Audit.Result audit, String report) {}

  private AuditRun() {}

  /**
   * Audits the sweep in {@code output}.
   *
   * @param overwrite replace an audit the output already holds
   * @throws UserError when the output is missing, is not a finished sweep, already has an audit
   *     (without {@code overwrite}), is in use, or its data changed or has no test split
   */
  public static Outcome run(String output, boolean overwrite) {
    OutputFolder before = OutputFolder.beforeSpark(output);
    if (!before.exists()) {
      throw new UserError("Cannot audit " + output + ": it does not exist");
    }
    if (!before.isMarked() || !before.has(OutputFolder.SWEEP_CONF)) {
      throw new UserError("Cannot audit " + output + ": it is not a gapsweep output (no "
          + OutputFolder.SWEEP_CONF + ")");
    }
    if (before.has(ResultSchema.AUDIT) && !overwrite) {
      throw new UserError("Cannot audit " + output + ": it already has an audit; pass"
          + " --overwrite to replace it");
    }
    String configuration = before.readConf();
    SweepSettings settings =
        SettingsLoader.fromConfig(ConfigFactory.parseString(configuration));
    SweepPlan plan = GridExpander.expand(settings);
    int threads = SparkSessions.threadsPerTrial(settings.run(), plan.trials().size());
    try (OutputLock lock = before.lock();
        SparkSessions.Handle session =
            SparkSessions.forSweep("gapsweep audit " + settings.name(), settings.run(), threads)) {
      SparkSession spark = session.spark();
      OutputFolder folder = OutputFolder.of(spark, output);
      SavedSweep.open(spark, output);
      LoadedDataset loaded = DatasetSource.load(spark, settings.data());
      String summary = DatasetSource.summary(loaded);
      Optional<String> stored = folder.readText(OutputFolder.DATA_SUMMARY);
      if (stored.isPresent() && !stored.get().equals(summary)) {
        throw new UserError("Cannot audit " + output + ": the data is not what the sweep saw"
            + " (its summary differs from " + OutputFolder.DATA_SUMMARY + "); restore "
            + settings.data().source() + " data as it was");
      }
      if (!loaded.hasTest()) {
        throw new UserError("Cannot audit " + output + ": its data has no test split (a test/"
            + " folder beside train/ and validation/, or gapsweep.data.synthetic.test-per-class)");
      }
      HeldOutTest.Outcome test = folder.has(ResultSchema.TEST_RESULTS)
          ? null : HeldOutTest.run(spark, settings, plan, loaded, threads, folder);
      Audit.Result audit = Audit.run(spark, settings, plan, loaded, threads, folder);
      String report = HtmlReport.write(
          spark, output, settings.name(), stored.orElse(null), configuration);
      return new Outcome(test, audit, report);
    }
  }
}
