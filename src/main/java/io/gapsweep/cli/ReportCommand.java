package io.gapsweep.cli;

import io.gapsweep.analysis.SavedSweep;
import io.gapsweep.dispatch.SparkSessions;
import io.gapsweep.report.HtmlReport;
import io.gapsweep.store.OutputFolder;
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
      SavedSweep sweep = SavedSweep.open(spark, output);
      String summary = OutputFolder.of(spark, output).readText(OutputFolder.DATA_SUMMARY).orElse(null);
      String path = HtmlReport.write(
          spark, output, sweep.settings().name(), summary, sweep.configuration());
      spec.commandLine().getOut().printf("Report: %s%n", path);
      spec.commandLine().getOut().flush();
      return ExitCodes.OK;
    }
  }
}
