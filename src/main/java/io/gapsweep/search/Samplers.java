package io.gapsweep.search;

import io.gapsweep.config.SearchSettings;

/** The sampler of each {@link SearchSettings.Strategy}. */
public final class Samplers {

  private Samplers() {}

  /** The sampler {@code search} asks for. */
  public static Sampler of(SearchSettings search) {
    // A switch expression over an enum must cover every constant: a new strategy fails to compile
    // until it has its sampler here.
    return switch (search.strategy()) {
      case GRID -> new GridSampler();
      case RANDOM -> new RandomSampler(search.trials(), search.seed(), search.significantDigits());
    };
  }
}
