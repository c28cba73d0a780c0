package io.gapsweep.config;

/** How pixels that a geometric augmentation brings in from outside the image are filled (Keras names). */
public enum FillMode {
  NEAREST("nearest"),
  CONSTANT("constant"),
  REFLECT("reflect");

  private final String configName;

  FillMode(String configName) {
    this.configName = configName;
  }

  public String configName() {
    return configName;
  }
}
