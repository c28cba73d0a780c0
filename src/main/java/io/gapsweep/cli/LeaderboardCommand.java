package io.gapsweep.cli;

import io.gapsweep.analysis.Leaderboard;
import io.gapsweep.analysis.SavedSweep;
import io.gapsweep.dispatch.SparkSessions;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code gapsweep leaderboard}: ranks the configurations of a finished sweep. */
@Command(
    name = "leaderboard",
    mixinStandardHelpOptions = true,
    description = "Print the leaderboard of a sweep's results.")
final class LeaderboardCommand implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "OUTPUT", description = "A sweep's output folder or URI.")
  String output;

  @Option(
      names = "--rows",
      paramLabel = "N",
      defaultValue = "50",
      description = "Show at most N configurations (default: ${DEFAULT-VALUE}).")
  int rows;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    try (SparkSessions.Handle session = SparkSessions.forQueries("gapsweep leaderboard")) {
      SparkSession spark = session.spark();
      SavedSweep.open(spark, output);
      spec.commandLine().getOut()
          .print(Leaderboard.format(spark.table(Leaderboard.VIEW), rows));
      spec.commandLine().getOut().flush();
      return ExitCodes.OK;
    }
  }
}
