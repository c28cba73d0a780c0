package io.gapsweep.cli;

import io.gapsweep.sweep.AuditRun;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code gapsweep audit}: the post-hoc selection audit of a finished sweep. */
@Command(
    name = "audit",
    mixinStandardHelpOptions = true,
    description = "Audit a finished sweep after the fact: refit every configuration as the"
        + " recommendation was refit, test each on the test split, write the audit table and"
        + " report the recommendation's rank on test and its regret; then rewrite report.html.")
final class AuditCommand implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "DIR", description = "A sweep's output folder or URI.")
  String output;

  @Option(names = "--overwrite", description = "Replace an audit the output already holds.")
  boolean overwrite;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    AuditRun.Outcome outcome = AuditRun.run(output, overwrite);
    if (outcome.test() != null) {
      out.println(outcome.test().line());
    }
    out.println(outcome.audit().line());
    out.printf("Report: %s%n", outcome.report());
    out.flush();
    return ExitCodes.OK;
  }
}
