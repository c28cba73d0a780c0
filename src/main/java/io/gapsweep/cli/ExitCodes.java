package io.gapsweep.cli;

/** Exit codes of every command, as documented in the README. */
public final class ExitCodes {

  /** Done; every trial completed or diverged (divergence is a result, not an error). */
  public static final int OK = 0;
  /** An internal error: a bug or an environment problem; a stack trace is printed. */
  public static final int INTERNAL = 1;
  /** A user error: bad arguments, configuration, paths. Nothing was changed. */
  public static final int USAGE = 2;
  /** The sweep finished and its results were written, but at least one trial FAILED. */
  public static final int FAILED_TRIALS = 3;

  /**
   * The JVM ran out of memory, on the driver or in a Spark task; one line names the cause. The
   * code a Spark executor exits with on {@link OutOfMemoryError} ({@code SparkExitCode.OOM}), so
   * that a local run and a cluster's executors say the same.
   */
  public static final int OUT_OF_MEMORY = 52;

  private ExitCodes() {}
}
