package io.gapsweep.plan;

import io.gapsweep.config.AugmentationPreset;
import io.gapsweep.config.DataSettings;
import io.gapsweep.config.SearchSpace;
import io.gapsweep.config.SweepSettings;
import io.gapsweep.config.TrainingSettings;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Expands a search space into trials, deterministically.
 *
 * <p>Axes are nested in the alphabetical order of their names (augmentation, depth, dropout, l2,
 * seed index) and each axis's values are sorted, so the order the user wrote values in changes
 * nothing. A trial id hashes the sweep fingerprint with the trial's parameters and its preset's
 * knobs, so the same configuration always gets the same id and the same seed, and adding a value
 * to an axis leaves the ids of existing trials alone.
 */
public final class GridExpander {

  /** Bump when the meaning of a trial changes, so old ids are not mistaken for new ones. */
  private static final String ID_VERSION = "gapsweep-trial-v1";

  private GridExpander() {}

  public static SweepPlan expand(SweepSettings settings) {
    String fingerprint = fingerprint(settings.training(), settings.data());
    SearchSpace space = settings.searchSpace();
    Map<String, AugmentationPreset> presets = settings.augmentationPresets();
    List<TrialSpec> trials = new ArrayList<>(space.size());
    for (String augmentation : new TreeSet<>(space.augmentation())) {
      AugmentationPreset preset = presets.get(augmentation);
      for (int depth : new TreeSet<>(space.depth())) {
        for (double dropout : new TreeSet<>(space.dropout())) {
          for (double l2 : new TreeSet<>(space.l2())) {
            String config =
                fingerprint
                    + "|augmentation=" + augmentation + " " + preset
                    + "|depth=" + depth
                    + "|dropout=" + canonical(dropout)
                    + "|l2=" + canonical(l2);
            String configId = hash(config);
            for (int seedIndex = 0; seedIndex < space.seeds(); seedIndex++) {
              String trialId = hash(config + "|seed_index=" + seedIndex);
              trials.add(
                  new TrialSpec(
                      trialId, configId, depth, dropout, l2, augmentation, seedIndex,
                      seedOf(trialId)));
            }
          }
        }
      }
    }
    return new SweepPlan(fingerprint, trials);
  }

  /** Hash of every setting that changes what any trial computes, besides its own parameters. */
  static String fingerprint(TrainingSettings training, DataSettings data) {
    return hash(ID_VERSION + "|" + training + "|" + data);
  }

  /** The same number always prints the same way: 0.0010 and 1e-3 are one value. */
  static String canonical(double value) {
    return BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
  }

  private static String hash(String text) {
    return HexFormat.of().formatHex(sha256(text), 0, 8);
  }

  private static long seedOf(String trialId) {
    // Non-negative, because some DL4J/ND4J seed paths reject negative seeds.
    return ByteBuffer.wrap(sha256("seed|" + trialId)).getLong() & Long.MAX_VALUE;
  }

  private static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("Cannot hash trial parameters: SHA-256 is missing", e);
    }
  }
}
