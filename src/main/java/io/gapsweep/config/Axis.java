package io.gapsweep.config;

import java.math.BigDecimal;
import java.util.List;
import java.util.Objects;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * One axis of the search space, declared once in {@link Axes}: everything the rest of gapsweep
 * derives from it (the HOCON key, the validation and its message, the grid, the {@code trials}
 * column, the SQL views, the report, the model metadata, the trial id).
 *
 * <p>Axis objects stay on the driver; a trial carries its values in {@link Params}, by name.
 *
 * @param <T> the value type: {@link Integer}, {@link Double} or {@link String}
 */
public final class Axis<T extends Comparable<T>> {

  /** How the values are read from HOCON, stored in Parquet and printed. */
  public enum Kind {
    /** A whole number, stored as a Parquet INT32. */
    INTEGER,
    /** A real number, stored as a Parquet DOUBLE. */
    NUMBER,
    /** A name, stored as a Parquet string. */
    TEXT
  }

  private final String name;
  private final Kind kind;
  private final Class<T> type;
  private final String expected;
  private final Predicate<T> valid;
  private final String doc;
  private final boolean optional;
  private final String baseline;
  private final String trainingKey;
  private final Function<TrainingSettings, T> setting;
  private final BiFunction<TrainingSettings, T, TrainingSettings> training;

  private Axis(String name, Kind kind, Class<T> type, String expected, Predicate<T> valid,
      String doc, boolean optional, String baseline, String trainingKey,
      Function<TrainingSettings, T> setting,
      BiFunction<TrainingSettings, T, TrainingSettings> training) {
    this.name = name;
    this.kind = kind;
    this.type = type;
    this.expected = expected;
    this.valid = valid;
    this.doc = doc;
    this.optional = optional;
    this.baseline = baseline;
    this.trainingKey = trainingKey;
    this.setting = setting;
    this.training = training;
  }

  /** An axis of whole numbers, each {@code expected} (as said in error messages). */
  static Axis<Integer> integer(String name, String doc, String expected, Predicate<Integer> valid) {
    return new Axis<>(name, Kind.INTEGER, Integer.class, expected, valid, doc, false, null, null, null, null);
  }

  /** An axis of real numbers, each {@code expected} (as said in error messages). */
  static Axis<Double> number(String name, String doc, String expected, Predicate<Double> valid) {
    return new Axis<>(name, Kind.NUMBER, Double.class, expected, valid, doc, false, null, null, null, null);
  }

  /** An axis of names. */
  static Axis<String> text(String name, String doc, String expected) {
    return new Axis<>(name, Kind.TEXT, String.class, expected, v -> true, doc, false, null, null, null, null);
  }

  /**
   * This axis, shown in listings, the console leaderboard and the report's panel titles only when
   * the sweep gives it more than one value (its column is always stored).
   */
  Axis<T> optional() {
    return new Axis<>(name, kind, type, expected, valid, doc, true, baseline, trainingKey, setting, training);
  }

  /** This axis with {@code level} as its reference level in {@code axis_effects}. */
  Axis<T> baseline(String level) {
    return new Axis<>(name, kind, type, expected, valid, doc, optional, level, trainingKey, setting, training);
  }

  /**
   * This axis, taking the place of the training setting {@code gapsweep.training.<key>}: a trial
   * trains with {@code apply(training, value)}, and the trial id hashes the axis value instead of
   * that setting.
   */
  Axis<T> overriding(String key, Function<TrainingSettings, T> read,
      BiFunction<TrainingSettings, T, TrainingSettings> apply) {
    return new Axis<>(name, kind, type, expected, valid, doc, optional, baseline, key, read, apply);
  }

  /** The axis's name: its key under {@code gapsweep.search-space}, kebab-case. */
  public String name() {
    return name;
  }

  /** The axis's column in {@code trials} and the views, snake_case. */
  public String column() {
    return name.replace('-', '_');
  }

  public Kind kind() {
    return kind;
  }

  public Class<T> type() {
    return type;
  }

  /** What a valid value is, as error messages say it, e.g. "an integer >= 1". */
  public String expected() {
    return expected;
  }

  public boolean accepts(T value) {
    return valid.test(value);
  }

  /** The column's meaning, as stored in the schema and shown in the README. */
  public String doc() {
    return doc;
  }

  /** Whether the axis is shown only when it varies; see {@link #optional()}. */
  public boolean isOptional() {
    return optional;
  }

  /**
   * The reference level in {@code axis_effects} as printed, or {@code null} for the smallest value.
   */
  public String baselineLevel() {
    return baseline;
  }

  /** The {@code gapsweep.training} key this axis takes the place of, or {@code null}. */
  public String trainingKey() {
    return trainingKey;
  }

  /** The value of the training setting this axis takes the place of; see {@link #trainingKey()}. */
  public T trainingValue(TrainingSettings settings) {
    if (setting == null) {
      throw new IllegalStateException("Cannot read a training setting for " + name
          + ": the axis takes the place of none");
    }
    return setting.apply(settings);
  }

  /** {@code training} as a trial with {@code value} on this axis trains with it. */
  public TrainingSettings applyTo(TrainingSettings settings, T value) {
    return training == null ? settings : training.apply(settings, value);
  }

  /**
   * The canonical text of a value, the same for equal values however written: 0.0010 and 1e-3
   * both print 0.001, 0.0 prints 0. Trial ids hash it; the views and the report show it.
   */
  public String print(T value) {
    Objects.requireNonNull(value, () -> "Cannot print a null " + name);
    return kind == Kind.NUMBER
        ? BigDecimal.valueOf((Double) value).stripTrailingZeros().toPlainString()
        : value.toString();
  }

  /** The canonical text of a value of this axis given as an {@code Object}. */
  public String printAny(Object value) {
    return print(type.cast(value));
  }

  /** {@code values} as this axis's type; for lists read untyped. */
  public List<T> cast(List<?> values) {
    return values.stream().map(type::cast).toList();
  }

  @Override
  public String toString() {
    return name;
  }
}
