package io.gapsweep.sweep;

/** The stages of a sweep's wall time, in the order a run passes them. */
public enum Phase {
  /** Before the JVM: the launcher script, from {@code -Dio.gapsweep.launched}; see {@link PhaseTimes}. */
  LAUNCHER("launcher"),
  /** From the JVM's start to the run's first step: class loading, the command line. */
  JVM_START("JVM start"),
  SETTINGS_AND_PLAN("settings+plan"),
  SPARK_START("Spark start"),
  DATA("data"),
  /** Loading ND4J's native libraries (libnd4j, oneDNN, OpenBLAS) before the first trial. */
  ND4J_LOAD("ND4J load"),
  /**
   * The dispatch, from the first trial's launch to the last one's commit. Trials commit as they
   * finish, on Spark's scheduler thread, while the freed slot already trains the next trial.
   */
  TRAINING("training"),
  /** Writing trials, curves and predictions from the journal, after the last trial. */
  COMPACTION("compaction"),
  VIEWS("views"),
  TEST("held-out test"),
  AUDIT("audit"),
  MODELS("models"),
  REPORT("report");

  private final String label;

  Phase(String label) {
    this.label = label;
  }

  /** How the breakdown names it. */
  public String label() {
    return label;
  }
}
