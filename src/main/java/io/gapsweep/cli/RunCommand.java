package io.gapsweep.cli;

import io.gapsweep.dispatch.SweepProgress;
import io.gapsweep.sweep.Resume;
import io.gapsweep.sweep.SweepListener;
import io.gapsweep.sweep.SweepOutcome;
import io.gapsweep.sweep.SweepRequest;
import io.gapsweep.sweep.SweepRun;
import io.gapsweep.sweep.SweepStart;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
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
              + " output that holds this sweep is resumed; one that holds another sweep, or files"
              + " gapsweep did not write, is refused.")
  boolean overwrite;

  @Option(
      names = "--retry-failed",
      description = "When resuming, run the trials that FAILED again (completed and diverged"
          + " trials are kept).")
  boolean retryFailed;

  @Option(
      names = "--audit",
      description = "After the held-out test of the recommendation, also refit and test every"
          + " configuration the same way, and report the recommendation's rank on test and its"
          + " regret (post-hoc; the same as run.audit = true in CONF).")
  boolean audit;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    Listener listener = new Listener(out);
    SweepOutcome outcome = SweepRun.run(
        new SweepRequest(conf, output, overwrite, retryFailed, audit), listener);
    if (listener.computed) {
      ClassArchive.keep();
    }
    out.println();
    out.print(outcome.leaderboard());
    out.printf(
        "%n%d trials: %d completed, %d diverged, %d failed. Results in %s%n",
        outcome.results().size(), outcome.completed(), outcome.diverged(), outcome.failed(),
        outcome.output());
    outcome.failures()
        .forEach(r -> out.printf("  FAILED %s: %s%n", r.spec().trialId(), r.error()));
    outcome.verdicts().forEach(out::println);
    outcome.savedModels().forEach(folder -> out.printf("Model saved: %s%n", folder));
    out.printf("Report: %s%n", outcome.report());
    out.println(outcome.phases().format());
    out.flush();
    return outcome.failed() > 0 ? ExitCodes.FAILED_TRIALS : ExitCodes.OK;
  }

  /** Prints what the run says before training, and where progress goes. */
  private final class Listener implements SweepListener {

    private final PrintWriter out;
    /** Whether the sweep went through Spark, rather than replaying a finished sweep's answer. */
    private boolean computed;

    Listener(PrintWriter out) {
      this.out = out;
    }

    @Override
    public void started(SweepStart start) {
      computed = true;
      out.print(start.dataSummary());
      out.printf(
          "Sweep %s: %d trials, %d thread(s) per trial, backend %s, output %s%n",
          start.name(), start.trials(), start.threadsPerTrial(), start.backend(), start.output());
      start.resume().ifPresent(resume -> printResume(start, resume));
      out.flush();
    }

    @Override
    public void replaying(
        String name, String dataSummary, int trials, String output, Resume resume) {
      out.print(dataSummary);
      out.printf("Sweep %s: %d trials, all done in %s, which is as the last run left it: nothing"
          + " to compute, so here is what that run printed (--overwrite runs the sweep again)%n",
          name, trials, output);
      printFailedKept(resume);
      out.flush();
    }

    private void printResume(SweepStart start, Resume resume) {
      out.printf("Resuming the sweep in %s: %d of %d trials are already done; %d to run%n",
          start.output(), resume.done(start.trials()), start.trials(), resume.todo().size());
      printFailedKept(resume);
    }

    private void printFailedKept(Resume resume) {
      if (resume.failedKept() > 0) {
        out.printf(
            "  %d FAILED trial(s) kept as they are; pass --retry-failed to run them again%n",
            resume.failedKept());
      }
    }

    /** A bar on an interactive terminal; plain lines, at most one every 10 s, anywhere else. */
    @Override
    public SweepProgress progress(SparkSession spark, int trials) {
      return System.console() != null
          ? SweepProgress.bar(spark, trials)
          : SweepProgress.lines(spark, trials, spec.commandLine().getErr(),
              Duration.ofSeconds(10));
    }
  }
}
