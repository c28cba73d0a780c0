package io.gapsweep.cli;

import io.gapsweep.config.SettingsLoader;
import io.gapsweep.config.SweepSettings;
import io.gapsweep.dispatch.SparkSessions;
import io.gapsweep.plan.GridExpander;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * Prints a configuration's threads per trial, for the spark-submit scripts: {@code spark.task.cpus}
 * and the executors' {@code OMP_NUM_THREADS} go on spark-submit's command line. (A local run sets
 * {@code OMP_NUM_THREADS} inside its own JVM before ND4J loads: {@code ThreadPolicy#exportBeforeLoad}.)
 */
@Command(
    name = "threads",
    hidden = true,
    description = "Print the threads per trial a configuration asks for (used by submit/ scripts).")
final class ThreadsCommand implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "CONF")
  Path conf;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    SweepSettings settings = SettingsLoader.load(conf);
    int trials = GridExpander.expand(settings).trials().size();
    spec.commandLine().getOut().println(SparkSessions.threadsPerTrial(settings.run(), trials));
    spec.commandLine().getOut().flush();
    return ExitCodes.OK;
  }
}
