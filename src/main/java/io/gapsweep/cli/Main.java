package io.gapsweep.cli;

import io.gapsweep.UserError;
import io.gapsweep.sweep.PhaseTimes;
import io.gapsweep.train.NativeBackend;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code gapsweep} command line. */
@Command(
    name = "gapsweep",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Sweeps CNN regularization on Spark and ranks configurations by generalization gap.",
    subcommands = {
      RunCommand.class,
      LeaderboardCommand.class,
      ReportCommand.class,
      AuditCommand.class,
      SqlCommand.class,
      PlanCommand.class,
      ThreadsCommand.class,
      BenchCommand.class,
      CommandLine.HelpCommand.class
    },
    exitCodeListHeading = "%nExit codes:%n",
    // Keys padded to the width of 52, so that the codes line up on the right.
    exitCodeList = {
      " 0:done; every trial completed or diverged",
      " 1:internal error (a bug or an environment problem; a stack trace is printed)",
      " 2:user error: bad arguments, configuration or paths; nothing was changed",
      " 3:the sweep finished and wrote its results, but some trials FAILED",
      "52:out of memory, on the driver or in a Spark task (one line names the cause)"
    })
public final class Main implements Callable<Integer> {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    // This process exists for this one command: a run's breakdown counts the JVM's start too.
    PhaseTimes.countProcessStart();
    // Threads outside Spark's tasks (ours, libraries') end the process the same way.
    Thread.setDefaultUncaughtExceptionHandler(
        (thread, e) -> {
          if (OutOfMemory.causedBy(e)) {
            System.exit(OutOfMemory.report(e, thread.getName()));
          }
          System.err.println("Exception in thread \"" + thread.getName() + "\"");
          e.printStackTrace();
        });
    System.exit(execute(args));
  }

  /** Runs a command line and returns its exit code; never calls {@link System#exit}. */
  public static int execute(String... args) {
    return execute(
        new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
  }

  /** As {@link #execute(String...)}, printing to the given writers. */
  public static int execute(PrintWriter out, PrintWriter err, String... args) {
    // Before anything loads ND4J: the build of libnd4j is fixed once loaded.
    NativeBackend.choose();
    CommandLine commandLine = new CommandLine(new Main()).setOut(out).setErr(err);
    commandLine.getCommandSpec().exitCodeOnInvalidInput(ExitCodes.USAGE);
    commandLine.setExecutionExceptionHandler(Main::handle);
    for (CommandLine sub : commandLine.getSubcommands().values()) {
      sub.getCommandSpec().exitCodeOnInvalidInput(ExitCodes.USAGE);
    }
    OutOfMemory.install(err);
    try {
      return commandLine.execute(args);
    } catch (OutOfMemoryError e) {
      // picocli passes Errors through: the driver's own thread ran out.
      return OutOfMemory.report(e, Thread.currentThread().getName());
    }
  }

  @Override
  public Integer call() {
    spec.commandLine().getErr().println("Missing command");
    spec.commandLine().usage(spec.commandLine().getErr());
    return ExitCodes.USAGE;
  }

  /** A user error prints its message alone; anything else is a bug and keeps its stack trace. */
  private static int handle(
      Exception e, CommandLine commandLine, CommandLine.ParseResult parseResult) {
    PrintWriter err = commandLine.getErr();
    if (OutOfMemory.causedBy(e) || OutOfMemory.reported()) {
      // A task that ran out of memory stops Spark, and the driver's job then fails with "SparkContext
      // was shut down": the same failure, already told in its one line.
      return OutOfMemory.report(e, null);
    }
    UserError userError = userError(e);
    if (userError != null) {
      err.println("gapsweep: " + userError.getMessage().replace("\n", "\n  "));
      err.flush();
      return ExitCodes.USAGE;
    }
    err.println("gapsweep: internal error; please report it with this output:");
    e.printStackTrace(err);
    err.flush();
    return ExitCodes.INTERNAL;
  }

  /** Spark wraps exceptions thrown on the driver side of a job; look through the causes. */
  private static UserError userError(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof UserError u) {
        return u;
      }
    }
    return null;
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = Main.class.getPackage().getImplementationVersion();
      return new String[] {"gapsweep " + (version == null ? "(development build)" : version)};
    }
  }
}
