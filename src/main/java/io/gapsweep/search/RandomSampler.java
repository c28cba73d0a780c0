package io.gapsweep.search;

import io.gapsweep.UserError;
import io.gapsweep.config.Axes;
import io.gapsweep.config.Axis;
import io.gapsweep.config.Params;
import io.gapsweep.config.SearchSpace;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code trials} distinct configurations, each axis drawn from its distribution.
 *
 * <p>Every draw is a pure function of (search seed, trial index, attempt, axis name), never of a
 * shared generator's state: the uniform number for axis {@code a} of trial {@code i} at attempt
 * {@code k} is
 *
 * <pre>
 *   x = mix(mix(mix(seed) ^ i) ^ k) ^ fnv1a64(a)      u = (mix(x) >>> 11) * 2^-53
 * </pre>
 *
 * where {@code mix} is SplitMix64's finalizer (Steele, Lea, Flood 2014; the output function of
 * {@code java.util.SplittableRandom}) applied to its argument plus the golden gamma
 * {@code 0x9e3779b97f4a7c15}, and {@code fnv1a64} is the 64-bit FNV-1a hash of the axis name's UTF-8
 * bytes. So the same settings give the same configurations in the same order on every JVM, whatever
 * the Spark or thread order; adding an axis leaves the other axes' draws alone; and raising
 * {@code trials} keeps the configurations drawn before.
 *
 * <p>A draw equal to an earlier configuration is drawn again (attempt 1, 2, ...), up to
 * {@link #MAX_ATTEMPTS} times per trial, then the sampler stops with a message: the space is too
 * small, or too coarse at the rounding, for that many distinct configurations.
 */
public final class RandomSampler implements Sampler {

  /** Draws per trial before giving up on finding a configuration not drawn yet. */
  public static final int MAX_ATTEMPTS = 100;

  private static final long GOLDEN_GAMMA = 0x9e3779b97f4a7c15L;
  private static final double UNIT = 0x1.0p-53;

  private final int trials;
  private final long seed;
  private final int digits;

  /**
   * @param trials configurations to draw, {@code >= 1}
   * @param seed the search seed
   * @param digits significant digits of a drawn real number
   */
  public RandomSampler(int trials, long seed, int digits) {
    this.trials = trials;
    this.seed = seed;
    this.digits = digits;
  }

  @Override
  public List<Params> configurations(SearchSpace space) {
    Set<Params> drawn = new LinkedHashSet<>();
    for (int trial = 0; trial < trials; trial++) {
      Params params = null;
      for (int attempt = 0; attempt < MAX_ATTEMPTS && (params == null || drawn.contains(params));
          attempt++) {
        params = draw(space, trial, attempt);
      }
      if (drawn.contains(params)) {
        throw new UserError(String.format(
            "Cannot draw %d distinct configurations with search seed %d: configuration %d was"
                + " drawn before in each of %d attempts (%d distinct so far); widen the search space,"
                + " raise gapsweep.search.significant-digits or lower gapsweep.search.trials",
            trials, seed, trial + 1, MAX_ATTEMPTS, drawn.size()));
      }
      drawn.add(params);
    }
    return new ArrayList<>(drawn);
  }

  private Params draw(SearchSpace space, int trial, int attempt) {
    long stream = mix(mix(mix(seed) ^ trial) ^ attempt);
    Map<String, Object> values = new LinkedHashMap<>();
    for (Axis<?> axis : Axes.ALL) {
      values.put(axis.name(), drawAxis(space, axis, unit(stream ^ fnv1a64(axis.name()))));
    }
    return Params.of(values);
  }

  private <T extends Comparable<T>> T drawAxis(SearchSpace space, Axis<T> axis, double u) {
    return space.distribution(axis).draw(axis, u, digits);
  }

  /** A uniform number in [0, 1) from {@code x}: the top 53 bits of its SplitMix64 mix. */
  static double unit(long x) {
    return (mix(x) >>> 11) * UNIT;
  }

  /** SplitMix64: one step of the golden-gamma sequence, then the Stafford variant 13 finalizer. */
  static long mix(long x) {
    long z = x + GOLDEN_GAMMA;
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }

  /** The 64-bit FNV-1a hash of {@code text}'s UTF-8 bytes. */
  static long fnv1a64(String text) {
    long hash = 0xcbf29ce484222325L;
    for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
      hash ^= b & 0xff;
      hash *= 0x100000001b3L;
    }
    return hash;
  }
}
