package io.gapsweep.cli;

import io.gapsweep.config.SearchSpace;
import io.gapsweep.config.SettingsLoader;
import io.gapsweep.config.SweepSettings;
import io.gapsweep.plan.GridExpander;
import io.gapsweep.plan.SweepPlan;
import io.gapsweep.plan.TrialSpec;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code gapsweep plan}: the trials a configuration expands to, without training anything. */
@Command(
    name = "plan",
    mixinStandardHelpOptions = true,
    description = "List the trials a configuration expands to, without training.")
final class PlanCommand implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "CONF", description = "The sweep's HOCON file.")
  Path conf;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    SweepSettings settings = SettingsLoader.load(conf);
    SweepPlan plan = GridExpander.expand(settings);
    PrintWriter out = spec.commandLine().getOut();
    SearchSpace space = settings.searchSpace();
    out.printf(
        "%s: %d trials (%d depth x %d dropout x %d l2 x %d augmentation x %d seeds)%n",
        settings.name(), plan.trials().size(), space.depth().size(), space.dropout().size(),
        space.l2().size(), space.augmentation().size(), space.seeds());
    out.printf("%-16s  %-16s  %5s  %7s  %8s  %-14s  %4s%n",
        "trial_id", "config_id", "depth", "dropout", "l2", "augmentation", "seed");
    for (TrialSpec trial : plan.trials()) {
      out.printf("%-16s  %-16s  %5d  %7s  %8s  %-14s  %4d%n",
          trial.trialId(), trial.configId(), trial.depth(), trial.dropout(), trial.l2(),
          trial.augmentation(), trial.seedIndex());
    }
    out.flush();
    return ExitCodes.OK;
  }
}
