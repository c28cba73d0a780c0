package io.gapsweep.cli;

import io.gapsweep.UserError;
import io.gapsweep.bench.Bench;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code gapsweep bench}: measures training and sweep throughput on this machine. */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    // One element per line: the first is the summary in gapsweep --help, the parts are a table
    // whose rows must each fit in picocli's 80 columns, and picocli wraps the last paragraph.
    description = {
      "Measure training and sweep throughput on this machine.",
      "Prints a Markdown table of medians over repeated runs of these parts:",
      "  training  training throughput of the reference network (samples/s)",
      "  sweep     a fixed grid on Spark local[N] against plain Java loops",
      "  pytorch   the reference network in PyTorch, if python3 imports torch",
      "  resume    what durability costs a large sweep: commit, resume, compaction",
      "  curves    the same trials on gapsweep's kernels and on DL4J's stock ones",
      "  fixed-cost  a one-trial sweep and its resume in fresh JVMs (not by default)",
      "  halving   a sweep without, with synchronous and with asynchronous successive halving (not by default)",
      "  answer    time to an answer: the demo and a 36-configuration 3-fold sweep in fresh JVMs (not by default)",
      "The reference network: 2 conv blocks (8, 16 filters) with batch norm and dropout, dense"
          + " 16, 6 classes, 32x32x3 images, batch 32. Writes only a temporary folder, removed at"
          + " the end."
    })
final class BenchCommand implements Callable<Integer> {

  @Option(names = "--repeats", paramLabel = "N", defaultValue = "5",
      description = "Repeats of each part; medians are reported (default: ${DEFAULT-VALUE}).")
  int repeats;

  @Option(names = "--parts", paramLabel = "PART", split = ",",
      defaultValue = "training,sweep,pytorch,resume,curves",
      description = "Parts to run, comma-separated: training, sweep, pytorch, resume, curves,"
          + " fixed-cost, halving, answer (default: all but fixed-cost, halving and answer).")
  List<String> parts;

  @Option(names = "--samples", paramLabel = "N", defaultValue = "1920",
      description = "Training images of the training and pytorch parts (default: ${DEFAULT-VALUE}).")
  int samples;

  @Option(names = "--epochs", paramLabel = "N", defaultValue = "3",
      description = "Timed epochs per repeat of the training and pytorch parts, after one"
          + " warm-up epoch; the kinds train them in alternation (default: ${DEFAULT-VALUE}).")
  int epochs;

  @Option(names = "--threads", paramLabel = "N", defaultValue = "1",
      description = "Threads of the training and pytorch parts (default: ${DEFAULT-VALUE}).")
  int threads;

  @Option(names = "--trials", paramLabel = "N", defaultValue = "4",
      description = "Trials of the sweep part's grid (default: ${DEFAULT-VALUE}).")
  int trials;

  @Option(names = "--trial-epochs", paramLabel = "N", defaultValue = "10",
      description = "Epochs of every trial of the sweep part; early stopping never stops one"
          + " sooner (default: ${DEFAULT-VALUE}: a trial of a few seconds, as in a real sweep,"
          + " not one that Spark's fixed cost per sweep would dominate).")
  int trialEpochs;

  @Option(names = "--train-per-class", paramLabel = "N", defaultValue = "80",
      description = "Synthetic training images per class of the sweep part, validation half as"
          + " many (default: ${DEFAULT-VALUE}).")
  int trainPerClass;

  @Option(names = "--cores", paramLabel = "N",
      description = "Cores of the sweep part: local[N] and the threads of one-at-a-time training"
          + " (default: the processors available).")
  Integer cores;

  @Option(names = "--python", paramLabel = "CMD",
      description = "Python with torch for the pytorch part (default: the first of "
          + "python3 on the PATH, /usr/bin/python3 that imports torch).")
  String python;

  @Option(names = "--resume-trials", paramLabel = "N", defaultValue = "1000",
      description = "Trials of the resume part's sweep: committed one by one, then resumed"
          + " (default: ${DEFAULT-VALUE}).")
  int resumeTrials;

  @Option(names = "--curve-seeds", paramLabel = "N", defaultValue = "8",
      description = "Seeds of the curves part's dropout configuration, each trained on both"
          + " kernel sets (default: ${DEFAULT-VALUE}).")
  int curveSeeds;

  @Option(names = "--curve-epochs", paramLabel = "N", defaultValue = "10",
      description = "Epochs of every trial of the curves part (default: ${DEFAULT-VALUE}).")
  int curveEpochs;

  @Option(names = "--halving-configs", paramLabel = "N", defaultValue = "27",
      description = "Configurations the halving part draws per repeat, with search seed ="
          + " repeat; each is trained without, with synchronous and with asynchronous successive"
          + " halving"
          + " (default: ${DEFAULT-VALUE}).")
  int halvingConfigs;

  @Option(names = "--halving-max-epochs", paramLabel = "N",
      description = "training.max-epochs of the halving part (default: demo.conf's;"
          + " reference.conf's with --halving-data tiny).")
  Integer halvingMaxEpochs;

  @Option(names = "--halving-patience", paramLabel = "N",
      description = "training.patience of the halving part (default: demo.conf's;"
          + " reference.conf's with --halving-data tiny).")
  Integer halvingPatience;

  @Option(names = "--halving-min-epochs", paramLabel = "N",
      description = "search.successive-halving.min-epochs of the halving part"
          + " (default: reference.conf's).")
  Integer halvingMinEpochs;

  @Option(names = "--halving-reduction-factor", paramLabel = "N",
      description = "search.successive-halving.reduction-factor of the halving part"
          + " (default: reference.conf's).")
  Integer halvingReductionFactor;

  @Option(names = "--halving-data", paramLabel = "demo|tiny", defaultValue = "demo",
      description = "Data of the halving part: demo, the demo's data with its networks (24x24"
          + " grey, 30 training and 40 validation images per class, depth 2 and 3, max-epochs 40,"
          + " patience 10: trials of 20-40 epochs, as on real images); tiny, 8x8 images at depth"
          + " 1 (trials of about 12 epochs; quicker) (default: ${DEFAULT-VALUE}).")
  String halvingData;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    positive("--repeats", repeats);
    positive("--samples", samples);
    positive("--epochs", epochs);
    positive("--threads", threads);
    positive("--trials", trials);
    positive("--trial-epochs", trialEpochs);
    positive("--train-per-class", trainPerClass);
    positive("--resume-trials", resumeTrials);
    positive("--curve-seeds", curveSeeds);
    positive("--curve-epochs", curveEpochs);
    positive("--halving-configs", halvingConfigs);
    positiveIfGiven("--halving-max-epochs", halvingMaxEpochs);
    positiveIfGiven("--halving-patience", halvingPatience);
    positiveIfGiven("--halving-min-epochs", halvingMinEpochs);
    if (halvingReductionFactor != null && halvingReductionFactor < 2) {
      throw new UserError("Cannot run the bench: --halving-reduction-factor "
          + halvingReductionFactor + "; expected an integer >= 2");
    }
    int machineCores = Runtime.getRuntime().availableProcessors();
    positive("--cores", cores == null ? machineCores : cores);
    Bench.Options options =
        new Bench.Options(
            parts(), repeats, samples, epochs, threads, trials, trialEpochs, trainPerClass,
            cores == null ? machineCores : cores,
            python == null ? Bench.PYTHONS : List.of(python), resumeTrials, curveSeeds,
            curveEpochs, halvingConfigs, halvingMaxEpochs, halvingMinEpochs,
            halvingReductionFactor, halvingPatience, halvingDemoData());
    PrintWriter out = spec.commandLine().getOut();
    out.print(Bench.run(options, spec.commandLine().getErr()));
    out.flush();
    return ExitCodes.OK;
  }

  private static void positive(String option, int value) {
    if (value < 1) {
      throw new UserError("Cannot run the bench: " + option + " " + value + "; expected an integer >= 1");
    }
  }

  private static void positiveIfGiven(String option, Integer value) {
    if (value != null) {
      positive(option, value);
    }
  }

  private boolean halvingDemoData() {
    return switch (halvingData.strip().toLowerCase(Locale.ROOT)) {
      case "demo" -> true;
      case "tiny" -> false;
      default -> throw new UserError("Cannot run the bench: --halving-data " + halvingData
          + "; expected demo or tiny");
    };
  }

  private List<Bench.Part> parts() {
    List<Bench.Part> chosen = new ArrayList<>();
    for (String name : parts) {
      try {
        chosen.add(Bench.Part.valueOf(
            name.strip().toUpperCase(Locale.ROOT).replace('-', '_')));
      } catch (IllegalArgumentException e) {
        throw new UserError("Cannot run the bench: unknown part '" + name
            + "'; expected training, sweep, pytorch, resume, curves, fixed-cost, halving or answer");
      }
    }
    return chosen;
  }
}
