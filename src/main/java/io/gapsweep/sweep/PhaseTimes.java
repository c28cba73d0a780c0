package io.gapsweep.sweep;

import java.time.Duration;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;

/**
 * Where a sweep's wall time went, phase by phase; the phases add up to the run's wall time from
 * reading the settings to the written report (the JVM's own start is not in it).
 *
 * <p>Trials are committed while others still train: {@link Phase#TRAINING} is the dispatch's
 * wall time less the time spent committing, which {@link Phase#COMMIT_AND_COMPACTION} counts
 * together with the compaction of the tables.
 */
public record PhaseTimes(Map<Phase, Duration> times) {

  public PhaseTimes {
    times = Collections.unmodifiableMap(new EnumMap<>(times));
  }

  /** The time of {@code phase}; zero when the run did not reach it. */
  public Duration of(Phase phase) {
    return times.getOrDefault(phase, Duration.ZERO);
  }

  public Duration total() {
    return times.values().stream().reduce(Duration.ZERO, Duration::plus);
  }

  /** One line: {@code Time: settings+plan 0.4 s, Spark start 3.1 s, ...; total 23.9 s}. */
  public String format() {
    StringJoiner line = new StringJoiner(", ", "Time: ", "; total " + seconds(total()));
    for (Phase phase : Phase.values()) {
      line.add(phase.label() + " " + seconds(of(phase)));
    }
    return line.toString();
  }

  private static String seconds(Duration duration) {
    return String.format(Locale.ROOT, "%.1f s", duration.toNanos() / 1e9);
  }

  /** Measures phases one after another: each {@link #lap} ends the phase that was running. */
  static final class Clock {

    private final Map<Phase, Duration> times = new EnumMap<>(Phase.class);
    private long last = System.nanoTime();

    /** Ends {@code phase}, which ran since the previous lap. */
    void lap(Phase phase) {
      long now = System.nanoTime();
      add(phase, Duration.ofNanos(now - last));
      last = now;
    }

    /** Moves time measured inside one phase to another, e.g. commits made during training. */
    void move(Duration duration, Phase from, Phase to) {
      add(from, duration.negated());
      add(to, duration);
    }

    private void add(Phase phase, Duration duration) {
      times.merge(phase, duration, Duration::plus);
    }

    PhaseTimes times() {
      return new PhaseTimes(times);
    }
  }
}
