package io.gapsweep.sweep;

/** The stages of a sweep's wall time, in the order a run passes them. */
public enum Phase {
  SETTINGS_AND_PLAN("settings+plan"),
  SPARK_START("Spark start"),
  DATA("data"),
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
