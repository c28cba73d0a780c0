package io.gapsweep.config;

import java.io.Serializable;

/**
 * How each configuration is validated: {@code gapsweep.validation} of {@code reference.conf}.
 *
 * @param scheme holdout (the given training/validation split) or k-fold (the two pooled)
 * @param folds folds per repeat of k-fold, >= 2
 * @param repeats repeats of k-fold, >= 1
 * @param keepGivenSplit whether an image folder's own {@code validation/} folder is kept as the
 *     holdout split even under k-fold
 */
public record ValidationSettings(Scheme scheme, int folds, int repeats, boolean keepGivenSplit)
    implements Serializable {

  /** The validation schemes, by their name in the configuration. */
  public enum Scheme {
    HOLDOUT("holdout"),
    K_FOLD("k-fold");

    private final String configName;

    Scheme(String configName) {
      this.configName = configName;
    }

    public String configName() {
      return configName;
    }
  }

  /**
   * Whether trials of {@code data} are cross-validated: k-fold, unless the data comes with its
   * own validation folder ({@code validation-split = 0}) and {@code keep-given-split} keeps it.
   */
  public boolean crossValidates(DataSettings data) {
    return crossValidates(data.source(), data.directory().validationSplit());
  }

  /** Trials per configuration and seed: folds x repeats when cross-validating, else 1. */
  public int splits(DataSettings data) {
    return splits(data.source(), data.directory().validationSplit());
  }

  int splits(String source, double validationSplit) {
    return crossValidates(source, validationSplit) ? folds * repeats : 1;
  }

  private boolean crossValidates(String source, double validationSplit) {
    if (scheme != Scheme.K_FOLD) {
      return false;
    }
    boolean givenSplit = "directory".equals(source) && validationSplit == 0;
    return !(givenSplit && keepGivenSplit);
  }
}
