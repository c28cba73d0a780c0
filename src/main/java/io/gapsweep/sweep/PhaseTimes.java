package io.gapsweep.sweep;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a sweep's wall time went, phase by phase; the phases add up to the run's wall time from
 * reading the settings to the written report and, when the run is what its process was started
 * for ({@code gapsweep run}, see {@link #countProcessStart}), from the launcher's start: {@link
 * Phase#LAUNCHER} from the time the launcher passes as {@code -D}{@value #LAUNCHED} (epoch
 * milliseconds) to the JVM's start, {@link Phase#JVM_START} from there to the run's first step.
 * A run inside a longer-lived JVM (a test, a notebook, the bench) counts neither.
 *
 * <p>Trials are committed while others still train, and a commit does not hold a slot (Spark
 * launches the next trial as soon as one ends, and hands the result to the commit afterwards):
 * {@link Phase#TRAINING} is the dispatch's wall time, commits included, as a 108-trial sweep's
 * slots showed (busy 68.6 s of the 71.0 s dispatch per slot, with 3.1 s of commits).
 */
public record PhaseTimes(Map<Phase, Duration> times) {

  /**
   * The system property the launcher sets to its own start, in epoch milliseconds; outside the
   * {@code gapsweep} namespace, where system properties override the settings.
   */
  public static final String LAUNCHED = "io.gapsweep.launched";

  // Set once by the command line's main; the first clock after it takes the process's start.
  private static boolean processStartPending;

  public PhaseTimes {
    times = Collections.unmodifiableMap(new EnumMap<>(times));
  }

  /**
   * Says that this process was started to run one command: the next run's breakdown then begins
   * with the launcher and the JVM's start. Called by {@code Main.main} only.
   */
  public static synchronized void countProcessStart() {
    processStartPending = true;
  }

  private static synchronized boolean takeProcessStart() {
    boolean pending = processStartPending;
    processStartPending = false;
    return pending;
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

  private static final Pattern PHASE = Pattern.compile("(.+) (-?[0-9]+\\.[0-9]) s");

  /**
   * Reads back a line of {@link #format} (the last such line of {@code text}, e.g. a run's whole
   * output), to the tenth of a second it shows.
   *
   * @throws IllegalArgumentException when {@code text} has no such line or it names an unknown phase
   */
  public static PhaseTimes parse(String text) {
    String line = null;
    for (String candidate : text.split("\n")) {
      if (candidate.startsWith("Time: ")) {
        line = candidate.strip();
      }
    }
    int total = line == null ? -1 : line.lastIndexOf("; total ");
    if (total < 0) {
      throw new IllegalArgumentException("No phase breakdown (a line 'Time: ...') in: " + text);
    }
    Map<String, Phase> byLabel = new HashMap<>();
    for (Phase phase : Phase.values()) {
      byLabel.put(phase.label(), phase);
    }
    Map<Phase, Duration> times = new EnumMap<>(Phase.class);
    for (String part : line.substring("Time: ".length(), total).split(", ")) {
      Matcher m = PHASE.matcher(part);
      Phase phase = m.matches() ? byLabel.get(m.group(1)) : null;
      if (phase == null) {
        throw new IllegalArgumentException("Unknown phase '" + part + "' in: " + line);
      }
      times.put(phase, Duration.ofMillis(Math.round(Double.parseDouble(m.group(2)) * 1000)));
    }
    return new PhaseTimes(times);
  }

  private static String seconds(Duration duration) {
    return String.format(Locale.ROOT, "%.1f s", duration.toNanos() / 1e9);
  }

  /** Measures phases one after another: each {@link #lap} ends the phase that was running. */
  static final class Clock {

    private final Map<Phase, Duration> times = new EnumMap<>(Phase.class);
    private long last = System.nanoTime();

    Clock() {
      if (takeProcessStart()) {
        long now = System.currentTimeMillis();
        long jvmStart = ManagementFactory.getRuntimeMXBean().getStartTime();
        add(Phase.JVM_START, Duration.ofMillis(Math.max(0, now - jvmStart)));
        add(Phase.LAUNCHER, launcher(System.getProperty(LAUNCHED), jvmStart));
      }
    }

    /** Ends {@code phase}, which ran since the previous lap. */
    void lap(Phase phase) {
      long now = System.nanoTime();
      add(phase, Duration.ofNanos(now - last));
      last = now;
    }

    private void add(Phase phase, Duration duration) {
      times.merge(phase, duration, Duration::plus);
    }

    PhaseTimes times() {
      return new PhaseTimes(times);
    }
  }

  /**
   * The launcher's share: from {@code launched} (epoch milliseconds as text, from {@value
   * #LAUNCHED}) to the JVM's start; zero when it is missing, not a number, or not before the JVM.
   */
  static Duration launcher(String launched, long jvmStartMillis) {
    if (launched == null) {
      return Duration.ZERO;
    }
    try {
      return Duration.ofMillis(Math.max(0, jvmStartMillis - Long.parseLong(launched.trim())));
    } catch (NumberFormatException e) {
      return Duration.ZERO;
    }
  }
}
