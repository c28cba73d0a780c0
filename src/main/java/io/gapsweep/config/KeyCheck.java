package io.gapsweep.config;

import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

/**
 * Finds keys under {@code gapsweep} that {@code reference.conf} does not know, and values that should
 * be objects but are not, suggesting the nearest known key for each unknown one.
 *
 * <p>Children of {@code augmentation-presets} are named by the user; their own keys must be keys of
 * {@code augmentation-defaults}.
 */
final class KeyCheck {

  static final String ROOT = "gapsweep";
  static final String PRESETS = "augmentation-presets";
  static final String DEFAULTS = "augmentation-defaults";

  private record Known(List<String> path) {
    String last() {
      return path.get(path.size() - 1);
    }

    List<String> parent() {
      return path.subList(0, path.size() - 1);
    }
  }

  private final ConfigObject presetSchema;
  private final ConfigReader reader;
  private final List<Known> known = new ArrayList<>();

  private KeyCheck(ConfigObject schema, ConfigReader reader) {
    this.presetSchema = (ConfigObject) schema.get(DEFAULTS);
    this.reader = reader;
    collectKnown(schema, List.of(ROOT));
  }

  /**
   * Reports every unknown key and every non-object where an object belongs.
   *
   * @param gapsweep the user's {@code gapsweep} object, defaults included
   * @param schema the {@code gapsweep} object of {@code reference.conf}
   */
  static void check(ConfigValue gapsweep, ConfigObject schema, ConfigReader reader) {
    KeyCheck check = new KeyCheck(schema, reader);
    if (gapsweep instanceof ConfigObject object) {
      check.walk(object, schema, List.of(ROOT));
    } else {
      reader.typeError(ROOT, gapsweep, "an object");
    }
  }

  /**
   * Reports top-level keys of the user's configuration that look like a misspelt {@code gapsweep}:
   * everything under them would otherwise be ignored without a word. Other top-level keys belong to
   * other libraries and are left alone.
   */
  static void checkRoot(ConfigObject userRoot, ConfigReader reader) {
    for (String key : new TreeSet<>(userRoot.keySet())) {
      if (!key.equals(ROOT) && editDistance(key.toLowerCase(Locale.ROOT), ROOT) <= 2) {
        reader.report(userRoot.get(key).origin(), ConfigUtil.joinPath(key),
            "unknown key; did you mean " + ROOT + "?");
      }
    }
  }

  private void walk(ConfigObject actual, ConfigObject expected, List<String> path) {
    boolean presets = path.equals(List.of(ROOT, PRESETS));
    for (String key : new TreeSet<>(actual.keySet())) {
      ConfigValue value = actual.get(key);
      List<String> childPath = append(path, key);
      ConfigValue shape = presets ? presetSchema : expected.get(key);
      if (shape == null) {
        unknown(childPath, value, expected);
      } else if (shape instanceof ConfigObject childSchema) {
        if (value instanceof ConfigObject child) {
          walk(child, childSchema, childPath);
        } else {
          reader.typeError(ConfigUtil.joinPath(childPath), value,
              presets ? "an object with keys of " + ROOT + "." + DEFAULTS : "an object");
        }
      }
    }
  }

  private void unknown(List<String> path, ConfigValue value, ConfigObject siblings) {
    String name = path.get(path.size() - 1);
    List<String> parent = path.subList(0, path.size() - 1);
    boolean inPreset = parent.size() == 3 && parent.get(1).equals(PRESETS);
    List<Known> candidates = new ArrayList<>();
    if (inPreset) {
      presetSchema.keySet().forEach(k -> candidates.add(new Known(append(parent, k))));
    } else {
      candidates.addAll(known);
    }
    int threshold = Math.max(1, name.length() / 3);
    Known best = candidates.stream()
        .filter(c -> distance(name, c) <= threshold)
        .min(Comparator.comparingInt((Known c) -> distance(name, c))
            .thenComparing(c -> c.parent().equals(parent) ? 0 : 1)
            .thenComparing(c -> ConfigUtil.joinPath(c.path())))
        .orElse(null);
    String text = best != null
        ? "unknown key; did you mean " + ConfigUtil.joinPath(best.path()) + "?"
        : "unknown key; expected one of " + String.join(", ", new TreeSet<>(siblings.keySet()));
    reader.report(value.origin(), ConfigUtil.joinPath(path), text);
  }

  /** Edit distance of the last path elements; a known key that starts with the name counts as 1. */
  private static int distance(String name, Known candidate) {
    String last = candidate.last();
    if (name.length() >= 4 && last.startsWith(name) && !last.equals(name)) {
      return 1;
    }
    return editDistance(name, last);
  }

  /** Levenshtein distance where swapping two neighbouring characters is one edit. */
  static int editDistance(String a, String b) {
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) {
      d[i][0] = i;
    }
    for (int j = 0; j <= b.length(); j++) {
      d[0][j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
        if (i > 1 && j > 1
            && a.charAt(i - 1) == b.charAt(j - 2)
            && a.charAt(i - 2) == b.charAt(j - 1)) {
          d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    return d[a.length()][b.length()];
  }

  private void collectKnown(ConfigObject object, List<String> path) {
    for (String key : object.keySet()) {
      List<String> childPath = append(path, key);
      known.add(new Known(childPath));
      // The presets of reference.conf are examples, not keys to suggest.
      if (object.get(key) instanceof ConfigObject child && !key.equals(PRESETS)) {
        collectKnown(child, childPath);
      }
    }
  }

  private static List<String> append(List<String> path, String key) {
    List<String> result = new ArrayList<>(path);
    result.add(key);
    return List.copyOf(result);
  }
}
