package io.gapsweep.cli;

import io.gapsweep.config.Axes;
import io.gapsweep.config.Axis;
import io.gapsweep.config.SearchSpace;
import io.gapsweep.config.SettingsLoader;
import io.gapsweep.config.SweepSettings;
import io.gapsweep.plan.GridExpander;
import io.gapsweep.plan.SweepPlan;
import io.gapsweep.plan.TrialSpec;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
    boolean folds = plan.folds().crossValidates();
    out.printf("%s: %d trials (%s%s)%n", settings.name(), plan.trials().size(), space.factors(),
        folds ? " x " + plan.folds().splits() + " folds" : "");
    List<Axis<?>> axes = Axes.shown(space::varies);
    if (space.search().isRandom()) {
      // The draws depend on the distributions: list them above the configurations drawn.
      axes.forEach(axis ->
          out.printf("  %s: %s%n", axis.name(), space.distribution(axis).describe(axis)));
    }
    Map<Axis<?>, Integer> widths = new HashMap<>();
    for (Axis<?> axis : axes) {
      int width = axis.name().length();
      for (TrialSpec trial : plan.trials()) {
        width = Math.max(width, trial.params().print(axis).length());
      }
      widths.put(axis, width);
    }
    StringBuilder header = new StringBuilder(String.format("%-16s  %-16s", "trial_id", "config_id"));
    axes.forEach(axis -> header.append("  ").append(pad(axis, widths.get(axis), axis.name())));
    header.append(String.format("  %4s", "seed"));
    out.println(folds ? header.append(String.format("  %4s", "fold")) : header);
    for (TrialSpec trial : plan.trials()) {
      StringBuilder line =
          new StringBuilder(String.format("%-16s  %-16s", trial.trialId(), trial.configId()));
      axes.forEach(axis ->
          line.append("  ").append(pad(axis, widths.get(axis), trial.params().print(axis))));
      line.append(String.format("  %4d", trial.seedIndex()));
      out.println(folds ? line.append(String.format("  %4d", trial.fold())) : line);
    }
    out.flush();
    return ExitCodes.OK;
  }

  /** Names left-aligned, numbers right-aligned. */
  private static String pad(Axis<?> axis, int width, String text) {
    return String.format(axis.kind() == Axis.Kind.TEXT ? "%-" + width + "s" : "%" + width + "s", text);
  }
}
