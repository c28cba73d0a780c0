package io.gapsweep.cli;

import com.typesafe.config.ConfigFactory;
import io.gapsweep.analysis.Leaderboard;
import io.gapsweep.config.SettingsLoader;
import io.gapsweep.config.SweepSettings;
import io.gapsweep.dispatch.SparkSessions;
import io.gapsweep.report.HtmlReport;
import io.gapsweep.store.ResultStore;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code gapsweep report}: (re)writes a sweep's self-contained HTML report. */
@Command(
    name = "report",
    mixinStandardHelpOptions = true,
    description = "Write <OUTPUT>/report.html from a sweep's results (replacing an earlier report).")
final class ReportCommand implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "OUTPUT", description = "A sweep's output folder or URI.")
  String output;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    try (SparkSessions.Handle session = SparkSessions.forQueries("gapsweep report")) {
      SparkSession spark = session.spark();
      ResultStore.registerViews(spark, output);
      String configuration = ResultStore.readConf(spark, output);
      SweepSettings settings = SettingsLoader.fromConfig(ConfigFactory.parseString(configuration));
      Leaderboard.compute(spark, settings.leaderboard());
      String summary = ResultStore.readText(spark, output, ResultStore.DATA_SUMMARY).orElse(null);
      String path = HtmlReport.write(spark, output, settings.name(), summary, configuration);
      spec.commandLine().getOut().printf("Report: %s%n", path);
      spec.commandLine().getOut().flush();
      return ExitCodes.OK;
    }
  }
}
