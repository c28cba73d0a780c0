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
  TRAINING("training"),
  COMMIT_AND_COMPACTION("commit+compaction"),
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
