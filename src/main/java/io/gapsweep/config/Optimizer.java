package io.gapsweep.config;

/** The updaters a trial can train with; configuration names are the lower-case kebab forms. */
public enum Optimizer {
  ADAM("adam"),
  /** SGD with Nesterov momentum (DL4J's {@code Nesterovs}). */
  NESTEROV("nesterov"),
  SGD("sgd");

  private final String configName;

  Optimizer(String configName) {
    this.configName = configName;
  }

  public String configName() {
    return configName;
  }
}
